import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";

import { api, call, session, type Schemas } from "@/api/client";
import type { SessionStatus } from "@/lib/session";

export type Me = Schemas["MeOut"];

export function useSessionStatus(): SessionStatus {
  return useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.current,
  );
}

/** The signed-in user, their role and permissions. */
export function useMe() {
  const status = useSessionStatus();
  return useQuery({
    queryKey: ["me", session.tenant],
    queryFn: () => call(api.GET("/api/v1/me")),
    enabled: status === "signed-in",
    staleTime: 5 * 60_000,
  });
}

export function can(me: Me | undefined, permission: string): boolean {
  return Boolean(me?.permissions.includes(permission));
}

export function isOffice(me: Me | undefined): boolean {
  return me?.role === "ADMIN" || me?.role === "MANAGER";
}
