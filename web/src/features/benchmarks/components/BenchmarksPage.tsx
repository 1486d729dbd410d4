import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router-dom";

import { api, call, type Schemas } from "@/api/client";
import { ErrorNotice, Loading, PageHeader, Pager, SelectField } from "@/components/ui";
import { formatNumber, formatPercent } from "@/lib/format";

type Metric = Schemas["BenchmarkMetric"];
const METRICS: { value: Metric; label: string; better: string }[] = [
  { value: "boe_per_day", label: "BOE per day", better: "highest first" },
  { value: "decline_rate", label: "Decline rate", better: "lowest first" },
  { value: "water_cut", label: "Water cut", better: "lowest first" },
  { value: "downtime", label: "Downtime", better: "lowest first" },
];
const LIMIT = 25;

export function formatMetric(metric: Metric, value: number): string {
  return metric === "boe_per_day" ? `${formatNumber(value)} BOE/d` : formatPercent(value);
}

/** Wells ranked by BOE/day, decline, water cut or downtime over the last N days. */
export default function BenchmarksPage() {
  const [params, setParams] = useSearchParams();
  const metric = (params.get("metric") as Metric | null) ?? "boe_per_day";
  const days = Number(params.get("days") ?? 90) || 90;
  const offset = Number(params.get("offset") ?? 0) || 0;
  const ranking = useQuery({
    queryKey: ["benchmarks", metric, days, offset],
    queryFn: () => call(api.GET("/api/v1/analytics/wells", { params: { query: { metric, days, limit: LIMIT, offset } } })),
    placeholderData: keepPreviousData,
  });
  const max = Math.max(...(ranking.data?.items ?? []).map((r) => Math.abs(r.value)), 1e-9);
  const set = (key: string, value: string) => setParams((p) => { const n = new URLSearchParams(p); n.set(key, value); n.delete("offset"); return n; }, { replace: true });
  const chosen = METRICS.find((m) => m.value === metric) ?? { value: metric, label: metric, better: "" };
  return (
    <>
      <PageHeader title="Benchmarks" />
      <section className="card row" aria-label="Ranking">
        <SelectField label="Rank by" value={metric} options={METRICS.map((m) => ({ value: m.value, label: m.label }))} onChange={(e) => set("metric", e.target.value)} />
        <SelectField label="Over the last" value={String(days)} options={[30, 90, 180, 365].map((d) => ({ value: String(d), label: `${d} days` }))}
          onChange={(e) => set("days", e.target.value)} />
      </section>
      <ErrorNotice error={ranking.error} />
      {ranking.isLoading ? <Loading /> : null}
      {ranking.data ? (
        <section className="card" aria-labelledby="ranking-title">
          <h2 id="ranking-title">{chosen.label}, {chosen.better}</h2>
          {ranking.data.items.length === 0 ? <p>No well has production in this period.</p> : (
            <div className="table-wrap" role="region" aria-label="Ranking table" tabIndex={0}>
              <table className="data">
                <thead><tr><th scope="col" className="num">Rank</th><th scope="col">Well</th><th scope="col" className="num">{chosen.label}</th><th scope="col" style={{ width: "40%" }}><span className="visually-hidden">Bar</span></th></tr></thead>
                <tbody>
                  {ranking.data.items.map((r) => (
                    <tr key={r.well_id}>
                      <td className="num">{r.rank}</td>
                      <td><Link to={`/wells/${r.well_id}`}>{r.name}</Link></td>
                      <td className="num">{formatMetric(metric, r.value)}</td>
                      <td aria-hidden="true"><div style={{ background: "var(--c-primary)", height: 10, borderRadius: 4, width: `${(Math.abs(r.value) / max) * 100}%` }} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager offset={offset} limit={LIMIT} total={ranking.data.total} label="Ranking pages" onChange={(o) => setParams((p) => { const n = new URLSearchParams(p); n.set("offset", String(o)); return n; })} />
        </section>
      ) : null}
    </>
  );
}
