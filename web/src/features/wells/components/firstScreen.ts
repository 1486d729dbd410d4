import { createContext, useContext, type RefObject } from "react";

import { useInView } from "@/lib/useInView";

/** True once the well page's first screen (production and SCADA) has its data. */
export const FirstScreenReady = createContext(true);

/**
 * A section below the first screen: it loads when the first screen is done and the
 * user gets near it, so the charts never wait for the rest of the page.
 */
export function useDeferredSection<T extends Element>(): [RefObject<T>, boolean] {
  const ready = useContext(FirstScreenReady);
  const [ref, seen] = useInView<T>();
  return [ref, ready && seen];
}
