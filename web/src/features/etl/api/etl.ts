import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";
import { ApiProblem } from "@/api/problem";
import type { EntityName } from "@/api/targetFields";

export type EtlConfig = Schemas["EtlConfig"];
export type EtlConfigInput = Schemas["EtlConfigInput"];
export type EntityMapping = Schemas["EntityMapping"];

/** The stored configuration, or null when the tenant has none yet. */
export function useEtlConfig() {
  return useQuery({
    queryKey: ["etl", "config"],
    queryFn: async () => {
      try {
        return await call(api.GET("/api/v1/etl/config"));
      } catch (error) {
        if (error instanceof ApiProblem && error.code === "etl_not_configured") return null;
        throw error;
      }
    },
  });
}

export function useSaveEtlConfig() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: EtlConfigInput) => call(api.PUT("/api/v1/etl/config", { body })),
    onSuccess: (config) => client.setQueryData(["etl", "config"], config),
  });
}

export function useTestConnection() {
  return useMutation({
    mutationFn: (connectionUrl: string | null) =>
      call(api.POST("/api/v1/etl/test-connection", { body: connectionUrl ? { connection_url: connectionUrl } : null })),
  });
}

export function usePreview() {
  return useMutation({
    mutationFn: (entity: EntityName) => call(api.POST("/api/v1/etl/preview", { params: { query: { entity } } })),
  });
}

export function useRunNow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST("/api/v1/etl/run", { params: { query: { mode: "now" } } })),
    onSettled: () => void client.invalidateQueries({ queryKey: ["etl"] }),
  });
}

export function useRuns() {
  return useQuery({
    queryKey: ["etl", "runs"],
    queryFn: () => call(api.GET("/api/v1/etl/runs", { params: { query: { limit: 20 } } })),
    select: (answer) => answer.items,
  });
}

export function useQuarantine() {
  return useQuery({
    queryKey: ["etl", "quarantine"],
    queryFn: () => call(api.GET("/api/v1/etl/quarantine", { params: { query: { limit: 50 } } })),
  });
}
