import { useQueries } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router-dom";

import { splitFieldErrors } from "@/api/problem";
import { Button, ErrorNotice, Loading, Notice, PageHeader, StatusBadge } from "@/components/ui";
import { can, useMe } from "@/features/auth/api/session";
import { formatNumber, humanize } from "@/lib/format";

import { hourlyQuery, productionQuery, productionRange, SCADA_DAYS } from "../api/wellDetail";
import { useChangeStatus, type Well, type WellStatus } from "../api/wells";
import { FirstScreenReady } from "./firstScreen";
import { useWell } from "../api/wells";
import { ForecastPanel } from "./ForecastPanel";
import { OutlookPanel } from "./OutlookPanel";
import { ProductionPanel } from "./ProductionPanel";
import { ScadaPanel } from "./ScadaPanel";
import { Assignments, EquipmentList, Photos, Timeline, WellAlerts } from "./WellSections";

const VERBS: Partial<Record<WellStatus, string>> = {
  PERMITTED: "Mark permitted", DRILLING: "Start drilling", COMPLETED: "Mark completed", PRODUCING: "Put on production",
  SHUT_IN: "Shut in", ABANDONED: "Abandon", PLUGGED: "Mark plugged", CANCELLED: "Cancel well",
};

/** The buttons the lifecycle allows from the well's status (the API names them). */
export function LifecycleButtons({ well, canWrite }: { well: Well; canWrite: boolean }) {
  const change = useChangeStatus(well.id);
  if (!canWrite || well.next_statuses.length === 0) return null;
  const { other } = splitFieldErrors(change.error, []);
  return (
    <div role="group" aria-label="Lifecycle" className="row">
      {well.next_statuses.map((status) => (
        <Button key={status} variant={status === "ABANDONED" || status === "CANCELLED" ? "danger" : "secondary"} size="small"
          busy={change.isPending && change.variables === status} onClick={() => change.mutate(status)}>
          {VERBS[status] ?? humanize(status)}
        </Button>
      ))}
      {other ? <Notice tone="error">{other}</Notice> : null}
    </div>
  );
}

function Facts({ well }: { well: Well }) {
  return (
    <dl className="props">
      <dt>API number</dt><dd className="mono">{well.api_number_formatted ?? "—"}</dd>
      <dt>Type</dt><dd>{humanize(well.well_type)}{well.is_horizontal ? ", horizontal" : ""}</dd>
      <dt>Spud / completion</dt><dd>{well.spud_date ?? "—"} / {well.completion_date ?? "—"}</dd>
      <dt>First production</dt><dd>{well.first_production_date ?? "—"}</dd>
      <dt>Location</dt><dd>{well.surface_latitude != null ? `${formatNumber(well.surface_latitude, 5)}, ${formatNumber(well.surface_longitude, 5)}` : "—"}</dd>
      <dt>Total depth</dt><dd>{well.total_depth_ft != null ? `${formatNumber(well.total_depth_ft, 0)} ft` : "—"}</dd>
    </dl>
  );
}

export default function WellPage() {
  const { wellId = "" } = useParams();
  const [params] = useSearchParams();
  const well = useWell(wellId);
  const me = useMe();
  const range = productionRange(params.get("range"));
  const firstScreen = useQueries({ queries: [productionQuery(wellId, range.from, range.to), hourlyQuery(wellId, SCADA_DAYS)] });
  const ready = firstScreen.every((query) => !query.isPending);
  if (well.error) return <ErrorNotice error={well.error} />;
  const canWrite = can(me.data, "wells:write");
  // The panels start their own requests at once (they need only the id), not after the well.
  return (
    <FirstScreenReady.Provider value={ready}>
      <PageHeader title={well.data?.name ?? "Well"} actions={
        <>
          <Link className="btn secondary" to={`/work-orders?well=${wellId}`}>Work orders</Link>
          {canWrite ? <Link className="btn secondary" to={`/wells/${wellId}/edit`}>Edit</Link> : null}
        </>
      }>
        {well.data ? <StatusBadge value={well.data.status} /> : null}
      </PageHeader>
      <section className="card" aria-label="Well facts">
        {well.data ? (
          <>
            <Facts well={well.data} />
            <div style={{ marginTop: 12 }}>
              <LifecycleButtons well={well.data} canWrite={canWrite} />
            </div>
          </>
        ) : <Loading label="Loading the well…" />}
      </section>
      <ProductionPanel wellId={wellId} initialRange={params.get("range")} />
      <OutlookPanel wellId={wellId} />
      <ScadaPanel wellId={wellId} />
      <div className="grid-2">
        <WellAlerts wellId={wellId} />
        <Assignments wellId={wellId} canReadUsers={can(me.data, "users:read")} />
      </div>
      <ForecastPanel wellId={wellId} />
      <div className="grid-2">
        <Timeline wellId={wellId} />
        <EquipmentList wellId={wellId} />
      </div>
      <Photos wellId={wellId} />
    </FirstScreenReady.Provider>
  );
}
