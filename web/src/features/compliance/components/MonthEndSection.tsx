import { Fragment } from "react";

import { Badge, ErrorNotice, Loading } from "@/components/ui";

import { useMonthEnd, type State } from "../api/compliance";
import { ProblemList, volume } from "./ProblemList";

/** Every lease of the month: oil and gas balances, water, and the problems with their numbers. */
export function MonthEndSection({ period, state }: { period: string; state: State | undefined }) {
  const monthEnd = useMonthEnd(period, state);
  const leases = monthEnd.data ?? [];
  const problems = leases.reduce((sum, lease) => sum + lease.problems.length, 0);
  return (
    <section className="card" aria-labelledby="month-end-title">
      <header>
        <h2 id="month-end-title">Month-end {period} by lease</h2>
        {monthEnd.data ? (
          <span className="muted small">
            {leases.length} leases · {problems === 0 ? "all balanced" : `${problems} problems`}
          </span>
        ) : null}
      </header>
      <ErrorNotice error={monthEnd.error} />
      {monthEnd.isLoading ? <Loading label="Balancing the month…" /> : null}
      {monthEnd.data && leases.length === 0 ? (
        <p>No lease takes part in month-end yet: add a tank or a compliance profile to a lease.</p>
      ) : null}
      {leases.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="Month-end table" tabIndex={0}>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Lease</th>
                <th scope="col">State</th>
                <th scope="col">Balance</th>
                <th scope="col" className="num">Oil opening (bbl)</th>
                <th scope="col" className="num">Oil produced</th>
                <th scope="col" className="num">Oil disposed</th>
                <th scope="col" className="num">Oil closing</th>
                <th scope="col" className="num">Gas produced (mcf)</th>
                <th scope="col" className="num">Gas disposed</th>
                <th scope="col" className="num">Water produced (bbl)</th>
              </tr>
            </thead>
            <tbody>
              {leases.map((lease) => (
                <Fragment key={lease.lease_id}>
                  <tr>
                    <th scope="row">{lease.lease_number} <span className="muted small">{lease.lease_name}</span></th>
                    <td>{lease.state ?? "—"}</td>
                    <td>{lease.balanced ? <Badge tone="green">balanced</Badge> : <Badge tone="red">{lease.problems.length} problems</Badge>}</td>
                    <td className="num">{volume(lease.products.oil?.opening_inventory)}</td>
                    <td className="num">{volume(lease.products.oil?.produced)}</td>
                    <td className="num">{volume(lease.products.oil?.disposed)}</td>
                    <td className="num">{volume(lease.products.oil?.closing_inventory)}</td>
                    <td className="num">{volume(lease.products.gas?.produced)}</td>
                    <td className="num">{volume(lease.products.gas?.disposed)}</td>
                    <td className="num">{volume(lease.water.produced)}</td>
                  </tr>
                  {lease.problems.length > 0 ? (
                    <tr className="problem-row">
                      <td colSpan={10}>
                        <span className="visually-hidden">Problems of {lease.lease_number}:</span>
                        <ProblemList problems={lease.problems} />
                      </td>
                    </tr>
                  ) : null}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
