import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";
import { downloadFile } from "@/api/download";

/** The compliance routes answer plain objects; these are the parts the pages show. */
export interface BalanceProblem {
  product: string;
  code: string;
  field: string | null;
  message: string;
  numbers: Record<string, string>;
}

export interface ProductMonth {
  opening_inventory: string;
  produced: string;
  disposed: string;
  closing_inventory: string;
  producing_days: number;
  dispositions: { kind: string; volume: string; purchaser: string | null }[];
}

export interface LeaseMonthEnd {
  lease_id: string;
  lease_number: string;
  lease_name: string;
  state: string | null;
  period: string;
  products: Record<string, ProductMonth>;
  water: { produced: string; disposed: string };
  balanced: boolean;
  problems: BalanceProblem[];
}

export interface Tank {
  id: string;
  lease_id: string;
  name: string;
  product: string;
  capacity_bbl: string | null;
}

export interface RunTicket {
  id: string;
  ticket_number: string;
  tank_id: string;
  lease_id: string;
  ticket_date: string;
  purchaser: string;
  opening_gauge_inches: string;
  closing_gauge_inches: string;
  observed_gravity: string;
  observed_temperature_f: string;
  bsw_percent: string;
  gross_observed_bbl: string;
  net_standard_bbl: string;
}

export interface Deadline {
  obligation: string;
  label: string;
  agency: string;
  period: string;
  due: string;
  source: string;
  days_left?: number;
  status?: string;
}

export interface FormPr {
  id: string;
  period: string;
  status: string;
  operator_number: string;
  amended?: boolean;
  due_date?: string | null;
  leases?: LeaseMonthEnd[];
  problems: (BalanceProblem & { lease_id?: string; lease_number?: string })[];
}

export type RunTicketIn = Schemas["RunTicketIn"];
export type TankIn = Schemas["TankIn"];
export const STATES = ["TX", "NM", "OK"] as const;
export type State = (typeof STATES)[number];
export const EXPORT_FORMATS = ["csv", "xlsx"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const OFFICE_ROLES = ["ADMIN", "MANAGER"];
/** Field operators add gauges and run tickets on their assigned wells' leases. */
export const TICKET_ROLES = ["ADMIN", "MANAGER", "FIELD_OPERATOR"];

/** `YYYY-MM` of last month (month-end closes the month before). */
export function lastMonth(today = new Date()): string {
  const moment = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1));
  return moment.toISOString().slice(0, 7);
}

export function isPeriod(value: string): boolean {
  return /^\d{4}-(0[1-9]|1[0-2])$/.test(value);
}

export function useLeases() {
  return useQuery({
    queryKey: ["leases", "all"],
    queryFn: () => call(api.GET("/api/v1/leases", { params: { query: { limit: 500 } } })),
    staleTime: 5 * 60_000,
  });
}

export function useMonthEnd(period: string, state: State | undefined) {
  return useQuery({
    queryKey: ["compliance", "month-end", period, state],
    queryFn: async () =>
      (await call(api.GET("/api/v1/compliance/month-end", { params: { query: { period, state: state ?? null } } }))) as unknown as LeaseMonthEnd[],
    placeholderData: keepPreviousData,
    enabled: isPeriod(period),
  });
}

export function useTanks() {
  return useQuery({
    queryKey: ["compliance", "tanks"],
    queryFn: async () => (await call(api.GET("/api/v1/compliance/tanks", {}))) as unknown as Tank[],
  });
}

export function useAddTank() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: TankIn) => (await call(api.POST("/api/v1/compliance/tanks", { body }))) as unknown as Tank,
    onSuccess: () => void client.invalidateQueries({ queryKey: ["compliance"] }),
  });
}

export function useRunTickets(period: string, leaseId: string | undefined) {
  return useQuery({
    queryKey: ["compliance", "run-tickets", period, leaseId],
    queryFn: async () =>
      (await call(api.GET("/api/v1/compliance/run-tickets", { params: { query: { period, lease_id: leaseId ?? null } } }))) as unknown as RunTicket[],
    placeholderData: keepPreviousData,
    enabled: isPeriod(period),
  });
}

export function useAddRunTicket() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: RunTicketIn) => (await call(api.POST("/api/v1/compliance/run-tickets", { body }))) as unknown as RunTicket,
    onSuccess: () => void client.invalidateQueries({ queryKey: ["compliance"] }),
  });
}

export function useCalendar(year: number) {
  return useQuery({
    queryKey: ["compliance", "calendar", year],
    queryFn: async () => (await call(api.GET("/api/v1/compliance/calendar", { params: { query: { year } } }))) as unknown as Deadline[],
    placeholderData: keepPreviousData,
  });
}

export function useCreateFormPr() {
  return useMutation({
    mutationFn: async (body: Schemas["FormPrIn"]) => (await call(api.POST("/api/v1/compliance/form-pr", { body }))) as unknown as FormPr,
  });
}

export function useMoveFormPr() {
  return useMutation({
    mutationFn: async ({ id, step }: { id: string; step: "validate" | "file" | "amend" }) => {
      const params = { params: { path: { filing_id: id } } };
      const answer =
        step === "validate"
          ? api.POST("/api/v1/compliance/form-pr/{filing_id}/validate", params)
          : step === "file"
            ? api.POST("/api/v1/compliance/form-pr/{filing_id}/file", params)
            : api.POST("/api/v1/compliance/form-pr/{filing_id}/amend", params);
      return (await call(answer)) as unknown as FormPr;
    },
  });
}

export type ReportExport = "month-end" | "run-tickets" | "severance" | "revenue";

const EXPORT_PATHS: Record<ReportExport, string> = {
  "month-end": "/api/v1/compliance/month-end/export",
  "run-tickets": "/api/v1/compliance/run-tickets/export",
  severance: "/api/v1/compliance/severance/export",
  revenue: "/api/v1/compliance/revenue/export",
};

/** One report of the month as CSV or XLSX (severance needs a state). */
export function exportReport(report: ReportExport, period: string, format: ExportFormat, state?: string, leaseId?: string): Promise<string> {
  const query: Record<string, string | undefined> = { period, format, state };
  if (report === "run-tickets") query.lease_id = leaseId;
  return downloadFile(EXPORT_PATHS[report], query, `${report}-${period}.${format}`);
}

/** The Form PR's fixed-width file (no format) or its rows. */
export function exportFormPr(id: string, format?: ExportFormat): Promise<string> {
  return downloadFile(`/api/v1/compliance/form-pr/${encodeURIComponent(id)}/export`, { format }, `form-pr-${id}.${format ?? "txt"}`);
}
