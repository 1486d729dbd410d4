import { keepPreviousData, useQuery } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";

export type Production = Schemas["ProductionOut"];
export type Forecast = Schemas["ForecastOut"];
export type Reading = Schemas["ReadingOut"];
export type Bucket = Schemas["BucketOut"];
export type TimelineEntry = Schemas["TimelineEntryOut"];
export type Equipment = Schemas["EquipmentOut"];

const LIVE_MS = 15_000;

export function useProduction(wellId: string, from: string, to: string) {
  return useQuery({
    queryKey: ["wells", wellId, "production", from, to],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/production", { params: { path: { well_id: wellId }, query: { from, to } } })),
    placeholderData: keepPreviousData,
  });
}

export interface ForecastParams {
  product: "oil" | "gas";
  months: number;
  economic_limit: number;
}

export function useForecast(wellId: string, params: ForecastParams) {
  return useQuery({
    queryKey: ["wells", wellId, "forecast", params],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/forecast", { params: { path: { well_id: wellId }, query: params } })),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** The latest value of each tag, refreshing while the page is open. */
export function useLatestReadings(wellId: string) {
  return useQuery({
    queryKey: ["wells", wellId, "readings", "latest"],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/readings/latest", { params: { path: { well_id: wellId } } })),
    refetchInterval: LIVE_MS,
  });
}

/** Hourly min/max/avg/last of every tag over the last `days` days, refreshing. */
export function useBucketedReadings(wellId: string, days: number) {
  return useQuery({
    queryKey: ["wells", wellId, "readings", "hourly", days],
    queryFn: async () => {
      const from = new Date(Date.now() - days * 86_400_000).toISOString();
      const page = await call(api.GET("/api/v1/wells/{well_id}/readings", {
        params: { path: { well_id: wellId }, query: { from, bucket: "1h" } },
      }));
      return page.items as Bucket[];
    },
    refetchInterval: LIVE_MS * 2,
  });
}

export function useWellAlerts(wellId: string) {
  return useQuery({
    queryKey: ["alerts", "well", wellId],
    queryFn: () => call(api.GET("/api/v1/alerts", { params: { query: { well_id: wellId, limit: 50 } } })),
  });
}

export function useTimeline(wellId: string) {
  return useQuery({
    queryKey: ["wells", wellId, "timeline"],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/timeline", { params: { path: { well_id: wellId }, query: { limit: 100 } } })),
    select: (answer) => answer.items,
  });
}

export function useEquipment(wellId: string) {
  return useQuery({
    queryKey: ["equipment", "well", wellId],
    queryFn: () => call(api.GET("/api/v1/equipment", { params: { query: { well_id: wellId, limit: 200 } } })),
    select: (page) => page.items,
  });
}

export function useAssignments(wellId: string) {
  return useQuery({
    queryKey: ["wells", wellId, "assignments"],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/assignments", { params: { path: { well_id: wellId } } })),
    select: (answer) => answer.items,
  });
}

export function usePhotos(wellId: string) {
  return useQuery({
    queryKey: ["wells", wellId, "photos"],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/photos", { params: { path: { well_id: wellId }, query: { limit: 24 } } })),
    select: (answer) => answer.items,
  });
}
