import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";
import { ApiProblem, asProblem } from "@/api/problem";

export type Afe = Schemas["AfeOut"];
export type AfeStatus = Schemas["AfeStatus"];
export type Permit = Schemas["PermitOut"];
export type PermitType = Schemas["PermitType"];
export type PermitStatus = Schemas["PermitStatus"];
export type Incident = Schemas["IncidentOut"];
export type IncidentKind = Schemas["IncidentKind"];
export type Document = Schemas["DocumentOut"];
export type WellTest = Schemas["WellTestOut"];

export const AFE_STATUSES: AfeStatus[] = ["draft", "submitted", "approved", "rejected", "closed"];
export const AFE_CATEGORIES = [
  { value: "idc", label: "Intangible drilling costs" },
  { value: "icc", label: "Intangible completion costs" },
  { value: "tdc", label: "Tangible drilling costs" },
  { value: "tcc", label: "Tangible completion costs" },
  { value: "facilities", label: "Surface facilities" },
  { value: "workover", label: "Workover and well service" },
  { value: "land_legal", label: "Land, title and legal" },
  { value: "contingency", label: "Contingency" },
];
export const PERMIT_TYPES: PermitType[] = ["drilling", "injection", "disposal", "flaring", "air"];
export const PERMIT_STATUSES: PermitStatus[] = ["draft", "submitted", "under_review", "approved", "denied", "withdrawn", "revoked", "surrendered", "expired"];
/** The moves a permit's status allows (approval has its own form: number and dates). */
export const PERMIT_TRANSITIONS: Record<string, PermitStatus[]> = {
  draft: ["submitted", "withdrawn"],
  submitted: ["under_review", "denied", "withdrawn"],
  under_review: ["denied", "withdrawn"],
  approved: ["revoked", "surrendered"],
};
export const PERMIT_APPROVABLE = ["submitted", "under_review"];
export const INCIDENT_KINDS: IncidentKind[] = ["spill", "release", "fire", "blowout", "break", "injury", "fatality", "near_miss", "equipment_failure"];
export const DOCUMENT_OWNERS = ["well", "lease", "permit", "afe", "work_order", "incident"] as const;
export type DocumentOwner = (typeof DOCUMENT_OWNERS)[number];
export const OFFICE_ROLES = ["ADMIN", "MANAGER"];
export const FIELD_WRITERS = ["ADMIN", "MANAGER", "FIELD_OPERATOR"];

export interface PageQuery {
  limit: number;
  offset: number;
}

// AFEs: office roles only.
export function useAfes(query: PageQuery & { status?: AfeStatus | undefined }, enabled = true) {
  return useQuery({
    queryKey: ["afes", "list", query],
    queryFn: () => call(api.GET("/api/v1/afes", { params: { query } })),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useCreateAfe() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["AfeIn"]) => call(api.POST("/api/v1/afes", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["afes"] }),
  });
}

export type AfeAction = { kind: "submit" } | { kind: "close" } | { kind: "decide"; approve: boolean; note: string };

export function useAfeAction() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: AfeAction }) => {
      const path = { params: { path: { afe_id: id } } };
      if (action.kind === "submit") return call(api.POST("/api/v1/afes/{afe_id}/submit", path));
      if (action.kind === "close") return call(api.POST("/api/v1/afes/{afe_id}/close", path));
      return call(api.POST("/api/v1/afes/{afe_id}/decision", { ...path, body: { approve: action.approve, note: action.note } }));
    },
    onSuccess: () => void client.invalidateQueries({ queryKey: ["afes"] }),
  });
}

// Permits: everyone reads, office roles write.
export function usePermits(query: PageQuery & { well_id?: string | undefined }) {
  return useQuery({
    queryKey: ["permits", "list", query],
    queryFn: () => call(api.GET("/api/v1/permits", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useCreatePermit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["PermitIn"]) => call(api.POST("/api/v1/permits", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["permits"] }),
  });
}

export function useApprovePermit() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: Schemas["PermitApproveIn"] }) =>
      call(api.POST("/api/v1/permits/{permit_id}/approve", { params: { path: { permit_id: id } }, body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["permits"] }),
  });
}

export function usePermitStatus() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, status }: { id: string; status: PermitStatus }) =>
      call(api.POST("/api/v1/permits/{permit_id}/status", { params: { path: { permit_id: id } }, body: { status } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["permits"] }),
  });
}

// Incidents: everyone reads; office and field roles report.
export function useIncidents(query: PageQuery) {
  return useQuery({
    queryKey: ["incidents", "list", query],
    queryFn: () => call(api.GET("/api/v1/incidents", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useReportIncident() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["IncidentIn"]) => call(api.POST("/api/v1/incidents", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["incidents"] }),
  });
}

// Documents of one owner (a well, lease, permit, AFE, work order or incident).
export function useDocuments(ownerKind: DocumentOwner, ownerId: string) {
  return useQuery({
    queryKey: ["documents", ownerKind, ownerId],
    queryFn: () => call(api.GET("/api/v1/documents", { params: { query: { owner_kind: ownerKind, owner_id: ownerId } } })),
    enabled: Boolean(ownerId),
  });
}

/** The content type the API's policy expects for a file (the browser's, else by extension). */
export function contentTypeOf(file: File): string {
  if (file.type) return file.type;
  const extension = file.name.toLowerCase().split(".").pop() ?? "";
  const types: Record<string, string> = {
    pdf: "application/pdf", jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", tif: "image/tiff", tiff: "image/tiff",
    heic: "image/heic", docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  };
  return types[extension] ?? "application/octet-stream";
}

/**
 * A link of the local host's blob route, on this page's origin: the local server answers
 * `/api/v1/blobs/…` under every host name, and a tenant's subdomain is another origin
 * than the API base the link was made with (a browser would refuse the upload as
 * cross-origin). Cloud storage links are left as they are.
 */
export function sameOriginBlobUrl(url: string, origin: string = location.origin): string {
  if (url.startsWith("/")) return `${origin}${url}`;
  try {
    const parsed = new URL(url);
    const local = parsed.hostname === "localhost" || parsed.hostname.endsWith(".localhost") || parsed.hostname === "127.0.0.1";
    if (local && parsed.pathname.startsWith("/api/v1/blobs/")) return `${origin}${parsed.pathname}${parsed.search}`;
  } catch {
    /* not a URL: leave it */
  }
  return url;
}

/** Ask for an upload target, send the bytes straight to it, then have the API check them. */
export function useUploadDocument() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async ({ ownerKind, ownerId, file }: { ownerKind: DocumentOwner; ownerId: string; file: File }) => {
      const target = await call(api.POST("/api/v1/documents", {
        body: { owner_kind: ownerKind, owner_id: ownerId, filename: file.name, content_type: contentTypeOf(file), size: file.size },
      }));
      const url = sameOriginBlobUrl(target.upload.url);
      // a direct upload target carries its own grant: no WellOS token goes to it
      let sent: Response;
      try {
        sent = await fetch(url, { method: target.upload.method, headers: target.upload.headers, body: file });
      } catch {
        throw new ApiProblem(0, { code: "network", detail: "the file could not be sent to storage: check the connection and try again" });
      }
      if (!sent.ok) throw asProblem(sent.status, await sent.json().catch(() => null));
      return call(api.POST("/api/v1/documents/{document_id}/complete", { params: { path: { document_id: target.document.id } } }));
    },
    onSuccess: (_, { ownerKind, ownerId }) => void client.invalidateQueries({ queryKey: ["documents", ownerKind, ownerId] }),
  });
}

// Well tests of one well.
export function useWellTests(wellId: string) {
  return useQuery({
    queryKey: ["well-tests", wellId],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/well-tests", { params: { path: { well_id: wellId } } })),
    enabled: Boolean(wellId),
  });
}

export function useLogWellTest() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ wellId, body }: { wellId: string; body: Schemas["WellTestIn"] }) =>
      call(api.POST("/api/v1/wells/{well_id}/well-tests", { params: { path: { well_id: wellId } }, body })),
    onSuccess: (_, { wellId }) => void client.invalidateQueries({ queryKey: ["well-tests", wellId] }),
  });
}
