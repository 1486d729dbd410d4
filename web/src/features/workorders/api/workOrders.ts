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

/** The statuses a work order may move to from each status (as the API's state machine allows). */
export const TRANSITIONS: Record<WorkOrderStatus, WorkOrderStatus[]> = {
  open: ["scheduled", "in_progress", "done", "cancelled"],
  scheduled: ["in_progress", "done", "cancelled"],
  in_progress: ["done", "cancelled"],
  done: [],
  cancelled: [],
};

export const TRANSITION_LABELS: Record<WorkOrderStatus, string> = {
  open: "Reopen",
  scheduled: "Schedule",
  in_progress: "Start work",
  done: "Mark done",
  cancelled: "Cancel work order",
};

export interface HistoryEntry {
  status: string;
  at: string | null;
  by: string | null;
  note: string | null;
}

export function useWorkOrder(id: string) {
  return useQuery({
    queryKey: ["work-orders", "one", id],
    queryFn: () => call(api.GET("/api/v1/work-orders/{work_order_id}", { params: { path: { work_order_id: id } } })),
  });
}

export function useChangeWorkOrderStatus(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: Schemas["StatusIn"]) =>
      call(api.POST("/api/v1/work-orders/{work_order_id}/status", { params: { path: { work_order_id: id } }, body })),
    onSuccess: (order) => {
      client.setQueryData(["work-orders", "one", id], order);
      void client.invalidateQueries({ queryKey: ["work-orders", "list"] });
    },
  });
}

export function useAssignWorkOrder(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (assignee: string) =>
      call(api.POST("/api/v1/work-orders/{work_order_id}/assign", { params: { path: { work_order_id: id } }, body: { assignee } })),
    onSuccess: (order) => {
      client.setQueryData(["work-orders", "one", id], order);
      void client.invalidateQueries({ queryKey: ["work-orders", "list"] });
    },
  });
}
