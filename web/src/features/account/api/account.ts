import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, session, type Schemas } from "@/api/client";

export type SessionInfo = Schemas["SessionOut"];
export type ApiKey = Schemas["ApiKeyOut"];

export function useChangePassword() {
  return useMutation({
    // every session ended: the answer is this tab's new one
    mutationFn: (body: Schemas["PasswordChangeIn"]) =>
      session.replacingTokens(() => call(api.POST("/api/v1/auth/password", { body })), (tokens) => tokens),
  });
}

export function useMySessions() {
  return useQuery({ queryKey: ["account", "sessions"], queryFn: () => call(api.GET("/api/v1/auth/sessions")) });
}

export function useEndSession() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (sessionId: string) => call(api.DELETE("/api/v1/auth/sessions/{session_id}", { params: { path: { session_id: sessionId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["account", "sessions"] }),
  });
}

export function useEndOtherSessions() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.DELETE("/api/v1/auth/sessions", { params: { query: { include_current: false } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["account", "sessions"] }),
  });
}

export function useMfaStatus() {
  return useQuery({ queryKey: ["account", "mfa"], queryFn: () => call(api.GET("/api/v1/auth/mfa")) });
}

export function useStartTotp() {
  return useMutation({ mutationFn: () => call(api.POST("/api/v1/auth/mfa/totp")) });
}

export function useConfirmTotp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (code: string) =>
      session.replacingTokens(() => call(api.POST("/api/v1/auth/mfa/totp/confirm", { body: { code } })), (answer) => answer.tokens),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["account"] }),
  });
}

export function useDisableTotp() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => call(api.POST("/api/v1/auth/mfa/totp/disable", { body: { code } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["account", "mfa"] }),
  });
}

export function useApiKeys(enabled: boolean) {
  return useQuery({ queryKey: ["account", "api-keys"], queryFn: () => call(api.GET("/api/v1/api-keys")), enabled });
}

export function useCreateApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["ApiKeyIn"]) => call(api.POST("/api/v1/api-keys", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["account", "api-keys"] }),
  });
}

export function useRevokeApiKey() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (keyId: string) => call(api.DELETE("/api/v1/api-keys/{key_id}", { params: { path: { key_id: keyId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["account", "api-keys"] }),
  });
}
