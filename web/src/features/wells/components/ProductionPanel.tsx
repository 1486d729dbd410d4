import { useMemo, useState } from "react";
import type { AlignedData } from "uplot";

import { TimeSeriesChart } from "@/components/charts/TimeSeriesChart";
import { ErrorNotice, Loading, TextField } from "@/components/ui";
import { daysAgo, epochSeconds, formatNumber, isoDay } from "@/lib/format";

import { PRODUCTION_RANGES as RANGES, productionRange, useProduction, type Production } from "../api/wellDetail";


export function productionSeries(items: readonly Production[]): AlignedData {
  return [
    items.map((p) => epochSeconds(p.production_date)),
    items.map((p) => p.oil_bbl),
    items.map((p) => p.gas_mcf),
    items.map((p) => p.water_bbl),
    items.map((p) => p.hours_on),
  ] as AlignedData;
}

function total(items: readonly Production[], key: "oil_bbl" | "gas_mcf" | "water_bbl"): number {
  return items.reduce((sum, p) => sum + (p[key] ?? 0), 0);
}

/** Daily oil, gas, water and hours on over any range. */
export function ProductionPanel({ wellId, initialRange = null }: { wellId: string; initialRange?: string | null }) {
  const today = isoDay(new Date());
  const initial = productionRange(initialRange);
  const [from, setFrom] = useState(initial.from);
  const [to, setTo] = useState(initial.to);
  const production = useProduction(wellId, from, to);
  const items = production.data?.items ?? [];
  const data = useMemo(() => productionSeries(items), [items]);
  return (
    <section className="card" aria-labelledby="production-title">
      <header>
        <h2 id="production-title">Daily production</h2>
        <div className="row" role="group" aria-label="Range">
          {RANGES.map((r) => (
            <button key={r.key} type="button" className="btn secondary small" onClick={() => { setFrom(isoDay(daysAgo(r.days))); setTo(today); }}>
              {r.label}
            </button>
          ))}
          <TextField label="From" type="date" value={from} max={to} onChange={(e) => e.target.value && setFrom(e.target.value)} />
          <TextField label="To" type="date" value={to} min={from} max={today} onChange={(e) => e.target.value && setTo(e.target.value)} />
        </div>
      </header>
      <ErrorNotice error={production.error} />
      {production.isLoading ? <Loading label="Loading production…" /> : null}
      {production.data && items.length === 0 ? <p>No production recorded between {from} and {to}.</p> : null}
      {items.length > 0 ? (
        <>
          <dl className="stats">
            <div><dt>Days</dt><dd>{items.length}</dd></div>
            <div><dt>Oil</dt><dd>{formatNumber(total(items, "oil_bbl"), 0)} bbl</dd></div>
            <div><dt>Gas</dt><dd>{formatNumber(total(items, "gas_mcf"), 0)} Mcf</dd></div>
            <div><dt>Water</dt><dd>{formatNumber(total(items, "water_bbl"), 0)} bbl</dd></div>
          </dl>
          <TimeSeriesChart
            name="production"
            label={`Daily production from ${from} to ${to}: oil, gas, water and hours on`}
            data={data}
            series={[
              { label: "Oil (bbl)", color: "#0b6e4f", scale: "vol" },
              { label: "Gas (Mcf)", color: "#b3261e", scale: "vol" },
              { label: "Water (bbl)", color: "#1d4f91", scale: "vol" },
              { label: "Hours on", color: "#8a8a8a", scale: "hours", dash: [4, 3] },
            ]}
            axes={[
              { scale: "vol", label: "bbl / Mcf per day" },
              { scale: "hours", label: "hours", side: "right", range: [0, 24] },
            ]}
          />
        </>
      ) : null}
    </section>
  );
}
