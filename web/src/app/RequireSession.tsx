import type { ReactNode } from "react";
import { Navigate, useLocation } from "react-router-dom";

import { useSessionStatus } from "@/features/auth/api/session";

/** Signed out (or the session ended): to sign-in, remembering where the user was. */
export function RequireSession({ children }: { children: ReactNode }) {
  const status = useSessionStatus();
  const location = useLocation();
  if (status === "signed-in") return <>{children}</>;
  const next = encodeURIComponent(`${location.pathname}${location.search}`);
  const expired = status === "expired" ? "&expired=1" : "";
  return <Navigate to={`/sign-in?next=${next}${expired}`} replace />;
}
