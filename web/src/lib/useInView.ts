import { useEffect, useRef, useState, type RefObject } from "react";

/**
 * Whether the element has come near the viewport (once true, stays true): sections
 * below the fold load their data when the user gets to them, not with the first screen.
 */
export function useInView<T extends Element>(margin = "200px"): [RefObject<T>, boolean] {
  const ref = useRef<T>(null);
  const [seen, setSeen] = useState(typeof IntersectionObserver === "undefined");
  useEffect(() => {
    const element = ref.current;
    if (seen || !element) return undefined;
    const observer = new IntersectionObserver((entries) => {
      if (entries.some((entry) => entry.isIntersecting)) {
        setSeen(true);
        observer.disconnect();
      }
    }, { rootMargin: margin });
    observer.observe(element);
    return () => observer.disconnect();
  }, [seen, margin]);
  return [ref, seen];
}
