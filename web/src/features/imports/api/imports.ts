import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";
import type { EntityName } from "@/api/targetFields";

export type ImportPreview = Schemas["ImportPreviewOut"];
export type ImportDetail = Schemas["ImportDetailOut"];
export type ImportMapping = Schemas["ImportMapping"];

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export function contentTypeOf(file: File): string {
  return file.name.toLowerCase().endsWith(".xlsx") ? XLSX : "text/csv";
}

/** Upload the file as the body (no multipart parsing on the server) and get the preview. */
export function useUpload() {
  return useMutation({
    mutationFn: ({ file, kind }: { file: File; kind: EntityName }) =>
      call(
        api.POST("/api/v1/imports", {
          params: { query: { kind, filename: file.name } },
          body: file as never,
          bodySerializer: (body: unknown) => body as BodyInit,
          headers: { "Content-Type": contentTypeOf(file) },
        }),
      ),
  });
}

export function useConfirm(importId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (mapping: ImportMapping) =>
      call(api.POST("/api/v1/imports/{import_id}/confirm", { params: { path: { import_id: importId } }, body: mapping })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["imports", importId] }),
  });
}

const FINISHED = new Set(["succeeded", "failed", "undone", "previewed"]);

/** An import's status and its rejected rows, polled while it runs. */
export function useImport(importId: string | undefined) {
  return useQuery({
    queryKey: ["imports", importId],
    queryFn: () =>
      call(api.GET("/api/v1/imports/{import_id}", { params: { path: { import_id: importId ?? "" }, query: { rows: "rejected", limit: 100 } } })),
    enabled: Boolean(importId),
    refetchInterval: (query) => (query.state.data && FINISHED.has(query.state.data.status) ? false : 1000),
  });
}

export function useUndo(importId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => call(api.POST("/api/v1/imports/{import_id}/undo", { params: { path: { import_id: importId } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["imports", importId] });
      void client.invalidateQueries({ queryKey: ["wells"] });
    },
  });
}
