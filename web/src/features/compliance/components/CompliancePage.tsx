import { useSearchParams } from "react-router-dom";

import { PageHeader, SelectField, TextField } from "@/components/ui";
import { useMe } from "@/features/auth/api/session";

import { OFFICE_ROLES, STATES, TICKET_ROLES, isPeriod, lastMonth, useLeases } from "../api/compliance";
import { CalendarSection } from "./CalendarSection";
import { ExportsSection } from "./ExportsSection";
import { FormPrSection } from "./FormPrSection";
import { MonthEndSection } from "./MonthEndSection";
import { RunTicketsSection } from "./RunTicketsSection";
import { TankForm } from "./TankForm";

/** Month-end by lease with its balance problems, run tickets, tanks, Form PR, reports and deadlines. */
export default function CompliancePage() {
  const [params, setParams] = useSearchParams();
  const requested = params.get("period") ?? "";
  const period = isPeriod(requested) ? requested : lastMonth();
  const state = STATES.find((s) => s === params.get("state"));
  const leaseId = params.get("lease") ?? undefined;
  const year = Number(params.get("year")) || Number(period.slice(0, 4));
  const me = useMe();
  const leases = useLeases();
  const role = me.data?.role ?? "";
  const office = OFFICE_ROLES.includes(role);

  function update(key: string, value: string | undefined) {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  }

  return (
    <>
      <PageHeader title="Month-end and compliance" />
      <section className="card" aria-label="Filters">
        <div className="form-grid">
          <TextField label="Month" type="month" value={period} hint="The production month (YYYY-MM)"
            error={requested && !isPeriod(requested) ? "write the month as YYYY-MM" : undefined}
            onChange={(e) => update("period", e.target.value || undefined)} />
          <SelectField label="State" value={state ?? ""} placeholder="Every state" options={STATES.map((s) => ({ value: s, label: s }))}
            onChange={(e) => update("state", e.target.value || undefined)} />
          <SelectField label="Lease of the run tickets" value={leaseId ?? ""} placeholder="Every lease"
            options={(leases.data?.items ?? []).map((lease) => ({ value: lease.id, label: `${lease.lease_number} ${lease.name}` }))}
            onChange={(e) => update("lease", e.target.value || undefined)} />
        </div>
      </section>
      <MonthEndSection period={period} state={state} />
      <RunTicketsSection period={period} leaseId={leaseId} canWrite={TICKET_ROLES.includes(role)} />
      {office ? <TankForm /> : null}
      {office ? <FormPrSection key={period} period={period} /> : null}
      {office ? <ExportsSection period={period} state={state} leaseId={leaseId} /> : null}
      <CalendarSection year={year} onYear={(y) => update("year", String(y))} />
    </>
  );
}
