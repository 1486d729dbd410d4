import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";

export type User = Schemas["UserOut"];
export type Role = Schemas["Role"];

export function useUsers() {
  return useQuery({
    queryKey: ["users", "list"],
    queryFn: () => call(api.GET("/api/v1/users", { params: { query: { limit: 500 } } })),
    select: (page) => page.items,
  });
}

function useUserChange<V, R>(send: (vars: V) => Promise<R>) {
  const client = useQueryClient();
  return useMutation({ mutationFn: send, onSuccess: () => void client.invalidateQueries({ queryKey: ["users"] }) });
}

export function useAddUser() {
  return useUserChange((body: Schemas["UserInvite"]) => call(api.POST("/api/v1/users", { body })));
}

export function useChangeRole() {
  return useUserChange(({ userId, role }: { userId: string; role: Role }) =>
    call(api.PATCH("/api/v1/users/{user_id}", { params: { path: { user_id: userId } }, body: { role } })),
  );
}

export function useDeactivate() {
  return useUserChange((userId: string) => call(api.POST("/api/v1/users/{user_id}/deactivate", { params: { path: { user_id: userId } } })));
}

export function useInvite() {
  return useUserChange((body: Schemas["UserInvite"]) => call(api.POST("/api/v1/invitations", { body })));
}

export function useResendInvitation() {
  return useUserChange((userId: string) => call(api.POST("/api/v1/users/{user_id}/invitation", { params: { path: { user_id: userId } } })));
}

export function useRevokeInvitation() {
  return useUserChange((userId: string) => call(api.DELETE("/api/v1/users/{user_id}/invitation", { params: { path: { user_id: userId } } })));
}

export function useReactivate() {
  return useUserChange((userId: string) => call(api.POST("/api/v1/users/{user_id}/reactivate", { params: { path: { user_id: userId } } })));
}

export function useEndUserSessions() {
  return useMutation({
    mutationFn: (userId: string) => call(api.DELETE("/api/v1/users/{user_id}/sessions", { params: { path: { user_id: userId } } })),
  });
}

export function useResetUserMfa() {
  return useMutation({
    mutationFn: (userId: string) => call(api.DELETE("/api/v1/users/{user_id}/mfa", { params: { path: { user_id: userId } } })),
  });
}

export function useWellAssignments(wellId: string) {
  return useQuery({
    queryKey: ["wells", wellId, "assignments"],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/assignments", { params: { path: { well_id: wellId } } })),
    select: (answer) => answer.items,
    enabled: Boolean(wellId),
  });
}

export function useAssign(wellId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ userId, assigned }: { userId: string; assigned: boolean }) =>
      assigned
        ? call(api.PUT("/api/v1/wells/{well_id}/assignments/{user_id}", { params: { path: { well_id: wellId, user_id: userId } } }))
        : call(api.DELETE("/api/v1/wells/{well_id}/assignments/{user_id}", { params: { path: { well_id: wellId, user_id: userId } } })),
    // pending until the list is fresh, so the box never flips back in between
    onSuccess: () => client.invalidateQueries({ queryKey: ["wells", wellId, "assignments"] }),
  });
}

export function useGateways() {
  return useQuery({ queryKey: ["gateways"], queryFn: () => call(api.GET("/api/v1/gateways")) });
}

export function useRegisterGateway() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => call(api.POST("/api/v1/gateways", { body: { name } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["gateways"] }),
  });
}

export function useRevokeGateway() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (gatewayId: string) => call(api.DELETE("/api/v1/gateways/{gateway_id}", { params: { path: { gateway_id: gatewayId } } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["gateways"] }),
  });
}

export function useConnections() {
  return useQuery({
    queryKey: ["scada", "connections"],
    queryFn: () => call(api.GET("/api/v1/scada/connections", { params: { query: { limit: 200 } } })),
    select: (page) => page.items,
  });
}

export function useTags(connectionId: string) {
  return useQuery({
    queryKey: ["scada", "tags", connectionId],
    queryFn: () => call(api.GET("/api/v1/scada/connections/{connection_id}/tags", { params: { path: { connection_id: connectionId }, query: { limit: 500 } } })),
    select: (page) => page.items,
  });
}

export function useToggleTag(connectionId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ tagId, enabled }: { tagId: number; enabled: boolean }) =>
      call(api.PATCH("/api/v1/scada/connections/{connection_id}/tags/{tag_id}", { params: { path: { connection_id: connectionId, tag_id: tagId } }, body: { enabled } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["scada", "tags", connectionId] }),
  });
}

export function useAddTag(connectionId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["TagCreate"]) =>
      call(api.POST("/api/v1/scada/connections/{connection_id}/tags", { params: { path: { connection_id: connectionId } }, body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["scada", "tags", connectionId] }),
  });
}
