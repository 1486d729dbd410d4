import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, call, type Schemas } from "@/api/client";

export type Alert = Schemas["AlertOut"];
export type AlertStatus = Schemas["AlertStatus"];
export type AlertSeverity = Schemas["AlertSeverity"];

export interface AlertQuery {
  status?: AlertStatus | undefined;
  severity?: AlertSeverity | undefined;
  well_id?: string | undefined;
  limit: number;
  offset: number;
}

export function useAlerts(query: AlertQuery) {
  return useQuery({
    queryKey: ["alerts", "list", query],
    queryFn: () => call(api.GET("/api/v1/alerts", { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  });
}

function useAlertChange<V>(send: (vars: V) => Promise<Alert>) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: send,
    onSuccess: () => void client.invalidateQueries({ queryKey: ["alerts"] }),
  });
}

export function useAcknowledge() {
  return useAlertChange((alertId: string) =>
    call(api.POST("/api/v1/alerts/{alert_id}/acknowledge", { params: { path: { alert_id: alertId } } })),
  );
}

export function useResolve() {
  return useAlertChange(({ alertId, note }: { alertId: string; note: string }) =>
    call(api.POST("/api/v1/alerts/{alert_id}/resolve", { params: { path: { alert_id: alertId } }, body: { note: note || null } })),
  );
}
