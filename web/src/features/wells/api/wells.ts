import { keepPreviousData, queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";

export type Well = Schemas["WellOut"];
export type WellStatus = Schemas["WellStatus"];
export type WellType = Schemas["WellType"];
export type WellCreate = Schemas["WellCreate"];
export type WellPatch = Schemas["WellPatch"];
export type Lease = Schemas["LeaseOut"];
export type Field = Schemas["FieldOut"];

export interface WellFilters {
  status?: WellStatus | undefined;
  lease_id?: string | undefined;
  field_id?: string | undefined;
  q?: string | undefined;
}

const PAGE = 500; // the API's largest page: a tenant's 50–500 wells in one request

/** Every well matching the filters (sorting and paging happen in the browser). */
export async function fetchAllWells(filters: WellFilters): Promise<Well[]> {
  const wells: Well[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page: Schemas["PageOut_WellOut_"] = await call(
      api.GET("/api/v1/wells", { params: { query: { ...filters, limit: PAGE, offset } } }),
    );
    wells.push(...page.items);
    offset = page.next_offset ?? null;
  }
  return wells;
}

export function useWells(filters: WellFilters) {
  return useQuery({
    queryKey: ["wells", "list", filters],
    queryFn: () => fetchAllWells(filters),
    placeholderData: keepPreviousData,
  });
}

export function wellQuery(wellId: string) {
  return queryOptions({
    queryKey: ["wells", "one", wellId],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}", { params: { path: { well_id: wellId } } })),
  });
}

export function useWell(wellId: string | undefined) {
  return useQuery({ ...wellQuery(wellId ?? ""), enabled: Boolean(wellId) });
}

export function useLeases() {
  return useQuery({
    queryKey: ["leases"],
    queryFn: () => call(api.GET("/api/v1/leases", { params: { query: { limit: 500 } } })),
    select: (page) => page.items,
    staleTime: 5 * 60_000,
  });
}

export function useFields() {
  return useQuery({
    queryKey: ["fields"],
    queryFn: () => call(api.GET("/api/v1/fields", { params: { query: { limit: 500 } } })),
    select: (page) => page.items,
    staleTime: 5 * 60_000,
  });
}

export function useSaveWell(wellId: string | undefined) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: WellCreate | WellPatch) =>
      wellId
        ? call(api.PATCH("/api/v1/wells/{well_id}", { params: { path: { well_id: wellId } }, body: body as WellPatch }))
        : call(api.POST("/api/v1/wells", { body: body as WellCreate })),
    onSuccess: (well) => {
      client.setQueryData(["wells", "one", well.id], well);
      void client.invalidateQueries({ queryKey: ["wells", "list"] });
    },
  });
}

/** Move a well along its lifecycle (the API refuses a step the state machine does not allow). */
export function useChangeStatus(wellId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (status: WellStatus) =>
      call(api.PATCH("/api/v1/wells/{well_id}", { params: { path: { well_id: wellId } }, body: { status } })),
    onSuccess: (well) => {
      client.setQueryData(["wells", "one", well.id], well);
      void client.invalidateQueries({ queryKey: ["wells", "list"] });
    },
  });
}
