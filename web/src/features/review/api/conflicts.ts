import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";

export type Conflict = Schemas["ConflictOut"];
export type ConflictDetail = Schemas["ConflictDetailOut"];
export type ConflictStatus = Schemas["ConflictStatus"];

export function useConflicts(status: ConflictStatus | undefined, offset: number, limit: number) {
  return useQuery({
    queryKey: ["conflicts", "list", status, offset, limit],
    queryFn: () => call(api.GET("/api/v1/conflicts", { params: { query: { status, offset, limit } } })),
    placeholderData: keepPreviousData,
  });
}

export function useConflict(conflictId: string | undefined) {
  return useQuery({
    queryKey: ["conflicts", "one", conflictId],
    queryFn: () => call(api.GET("/api/v1/conflicts/{conflict_id}", { params: { path: { conflict_id: conflictId ?? "" } } })),
    enabled: Boolean(conflictId),
  });
}

export function useResolveConflict(conflictId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { choose: string; reason: string }) =>
      call(api.POST("/api/v1/conflicts/{conflict_id}/resolve", { params: { path: { conflict_id: conflictId } }, body })),
    onSuccess: (detail) => {
      client.setQueryData(["conflicts", "one", conflictId], detail);
      void client.invalidateQueries({ queryKey: ["conflicts", "list"] });
      void client.invalidateQueries({ queryKey: ["conflicts", "count"] });
    },
  });
}
