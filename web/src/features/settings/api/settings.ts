import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";
import { ApiProblem } from "@/api/problem";

export type SsoConfig = Schemas["SsoConfigOut"];
export type SsoConfigIn = Schemas["SsoConfigIn"];
export type MfaRequirement = Schemas["MfaRequirement"];
export const MFA_REQUIREMENTS: MfaRequirement[] = ["none", "admins", "everyone"];
export const ROLES: Schemas["Role"][] = ["VIEWER", "FIELD_OPERATOR", "MANAGER", "ADMIN"];

/** The tenant's SSO configuration, or null when there is none (the API answers 404). */
export function useSsoConfig() {
  return useQuery({
    queryKey: ["settings", "sso"],
    queryFn: async (): Promise<SsoConfig | null> => {
      try {
        return await call(api.GET("/api/v1/auth/sso/config"));
      } catch (error) {
        if (error instanceof ApiProblem && error.status === 404) return null;
        throw error;
      }
    },
  });
}

export function useSaveSso() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: SsoConfigIn) => call(api.PUT("/api/v1/auth/sso/config", { body })),
    onSuccess: (config) => client.setQueryData(["settings", "sso"], config),
  });
}

export function useDeleteSso() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.DELETE("/api/v1/auth/sso/config")),
    onSuccess: () => client.setQueryData(["settings", "sso"], null),
  });
}

/** The tenant's MFA requirement, as the signed-in admin's MFA status tells it. */
export function useMfaRequirement() {
  return useQuery({
    queryKey: ["settings", "mfa"],
    queryFn: async () => (await call(api.GET("/api/v1/auth/mfa"))).requirement as MfaRequirement,
  });
}

export function useSaveMfaPolicy() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (requirement: MfaRequirement) => call(api.PUT("/api/v1/auth/mfa/policy", { body: { mfa_required: requirement } })),
    onSuccess: (policy) => {
      client.setQueryData(["settings", "mfa"], policy.mfa_required);
      void client.invalidateQueries({ queryKey: ["account"] });
    },
  });
}
