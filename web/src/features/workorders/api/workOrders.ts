import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";

export type WorkOrder = Schemas["WorkOrderOut"];
export type WorkOrderStatus = Schemas["WorkOrderStatus"];
export type Priority = Schemas["Priority"];

export const WORK_ORDER_STATUSES: WorkOrderStatus[] = ["open", "scheduled", "in_progress", "done", "cancelled"];
export const PRIORITIES: Priority[] = ["low", "medium", "high", "urgent"];
/** Alerts of these sources can become a work order (the API refuses the rest). */
export const WORK_ORDER_ALERT_SOURCES = ["prediction", "anomaly", "alarm"];
export const ACTING_ROLES = ["ADMIN", "MANAGER", "FIELD_OPERATOR"];

export interface WorkOrderQuery {
  well_id?: string | undefined;
  status?: WorkOrderStatus | undefined;
  limit: number;
  offset: number;
}

export function useWorkOrders(query: WorkOrderQuery) {
  return useQuery({
    queryKey: ["work-orders", "list", query],
    queryFn: () => call(api.GET("/api/v1/work-orders", { params: { query } })),
    placeholderData: keepPreviousData,
  });
}

export function useCreateWorkOrder() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["WorkOrderIn"]) => call(api.POST("/api/v1/work-orders", { body })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["work-orders"] }),
  });
}

/** The alert's work order: made once, asking again answers the same one. */
export function useWorkOrderFromAlert() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (alertId: string) => call(api.POST("/api/v1/work-orders/from-alert", { body: { alert_id: alertId } })),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["work-orders"] }),
  });
}
