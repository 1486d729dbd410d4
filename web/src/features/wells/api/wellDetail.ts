import { keepPreviousData, queryOptions, useQuery, type QueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";
import { daysAgo, isoDay } from "@/lib/format";

export type Production = Schemas["ProductionOut"];
export type Forecast = Schemas["ForecastOut"];
export type Reading = Schemas["ReadingOut"];
export type Bucket = Schemas["BucketOut"];
export type TimelineEntry = Schemas["TimelineEntryOut"];
export type Equipment = Schemas["EquipmentOut"];

const LIVE_MS = 15_000;
export const SCADA_DAYS = 14;

export const PRODUCTION_RANGES = [
  { key: "90d", label: "90 days", days: 90 },
  { key: "1y", label: "1 year", days: 365 },
  { key: "2y", label: "2 years", days: 730 },
  { key: "5y", label: "5 years", days: 1826 },
] as const;

/** The days a range key (`?range=2y`) shows, ending today; two years when unknown. */
export function productionRange(key: string | null): { from: string; to: string } {
  const preset = PRODUCTION_RANGES.find((r) => r.key === key) ?? PRODUCTION_RANGES[2];
  return { from: isoDay(daysAgo(preset.days)), to: isoDay(new Date()) };
}

export function productionQuery(wellId: string, from: string, to: string) {
  return queryOptions({
    queryKey: ["wells", wellId, "production", from, to],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/production", { params: { path: { well_id: wellId }, query: { from, to } } })),
  });
}

export function useProduction(wellId: string, from: string, to: string, enabled = true) {
  return useQuery({ ...productionQuery(wellId, from, to), placeholderData: keepPreviousData, enabled });
}

export interface ForecastParams {
  product: "oil" | "gas";
  months: number;
  economic_limit: number;
}

export function useForecast(wellId: string, params: ForecastParams, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["wells", wellId, "forecast", params],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/forecast", { params: { path: { well_id: wellId }, query: params } })),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function latestQuery(wellId: string) {
  return queryOptions({
    queryKey: ["wells", wellId, "readings", "latest"],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/readings/latest", { params: { path: { well_id: wellId } } })),
  });
}

/** The latest value of each tag, refreshing while the page is open. */
export function useLatestReadings(wellId: string) {
  return useQuery({ ...latestQuery(wellId), refetchInterval: LIVE_MS });
}

export function hourlyQuery(wellId: string, days: number) {
  return queryOptions({
    queryKey: ["wells", wellId, "readings", "hourly", days],
    queryFn: async () => {
      const from = new Date(Date.now() - days * 86_400_000).toISOString();
      const page = await call(api.GET("/api/v1/wells/{well_id}/readings", {
        params: { path: { well_id: wellId }, query: { from, bucket: "1h" } },
      }));
      return page.items as Bucket[];
    },
  });
}

/** Hourly min/max/avg/last of every tag over the last `days` days, refreshing. */
export function useBucketedReadings(wellId: string, days: number) {
  return useQuery({ ...hourlyQuery(wellId, days), refetchInterval: LIVE_MS * 2 });
}

/** Start the first screen's requests before the page's code has even arrived. */
export function prefetchWellPage(client: QueryClient, wellId: string, production: { from: string; to: string }, scadaDays: number): void {
  void client.prefetchQuery(productionQuery(wellId, production.from, production.to));
  void client.prefetchQuery(latestQuery(wellId));
  void client.prefetchQuery(hourlyQuery(wellId, scadaDays));
}

export function useWellAlerts(wellId: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["alerts", "well", wellId],
    queryFn: () => call(api.GET("/api/v1/alerts", { params: { query: { well_id: wellId, limit: 50 } } })),
  });
}

export function useTimeline(wellId: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["wells", wellId, "timeline"],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/timeline", { params: { path: { well_id: wellId }, query: { limit: 100 } } })),
    select: (answer) => answer.items,
  });
}

export function useEquipment(wellId: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["equipment", "well", wellId],
    queryFn: () => call(api.GET("/api/v1/equipment", { params: { query: { well_id: wellId, limit: 200 } } })),
    select: (page) => page.items,
  });
}

export function useAssignments(wellId: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["wells", wellId, "assignments"],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/assignments", { params: { path: { well_id: wellId } } })),
    select: (answer) => answer.items,
  });
}

export function usePhotos(wellId: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["wells", wellId, "photos"],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/photos", { params: { path: { well_id: wellId }, query: { limit: 24 } } })),
    select: (answer) => answer.items,
  });
}

export type WellOutlook = Schemas["WellOutlookOut"];

/** The newest night's choke advice and water-cut outlook (each null until the model scored the well). */
export function useOutlook(wellId: string, enabled = true) {
  return useQuery({
    enabled,
    queryKey: ["wells", wellId, "outlook"],
    queryFn: () => call(api.GET("/api/v1/wells/{well_id}/outlook", { params: { path: { well_id: wellId } } })),
    staleTime: 5 * 60_000,
  });
}
