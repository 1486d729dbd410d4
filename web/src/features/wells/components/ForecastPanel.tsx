import { useMemo, useState } from "react";
import type { AlignedData } from "uplot";

import { ApiProblem } from "@/api/problem";
import { TimeSeriesChart } from "@/components/charts/TimeSeriesChart";
import { ErrorNotice, Loading, SelectField, TextField } from "@/components/ui";
import { daysAgo, epochSeconds, formatNumber, humanize, isoDay } from "@/lib/format";

import { useDeferredSection } from "./firstScreen";
import { useForecast, useProduction, type Forecast, type ForecastParams, type Production } from "../api/wellDetail";

const HISTORY_DAYS = 3650;

/** History (daily rates) and the fitted forecast (monthly rates) on one time axis. */
export function forecastSeries(history: readonly Production[], forecast: Forecast, product: "oil" | "gas"): AlignedData {
  const key = product === "oil" ? "oil_bbl" : "gas_mcf";
  const points = new Map<number, [number | null, number | null]>();
  for (const day of history) {
    const rate = day[key];
    points.set(epochSeconds(day.production_date), [rate && rate > 0 ? rate : null, null]);
  }
  for (const point of forecast.forecast) {
    if (!point.date || point.rate <= 0) continue;
    const x = epochSeconds(point.date);
    points.set(x, [points.get(x)?.[0] ?? null, point.rate]);
  }
  const xs = [...points.keys()].sort((a, b) => a - b);
  return [xs, xs.map((x) => points.get(x)?.[0] ?? null), xs.map((x) => points.get(x)?.[1] ?? null)] as AlignedData;
}

function Parameters({ forecast }: { forecast: Forecast }) {
  const p = forecast.parameters as { qi?: number; b?: number; di?: { nominal?: number; secant?: number } };
  return (
    <dl className="stats">
      <div><dt>Model</dt><dd>{humanize(forecast.model)}</dd></div>
      <div><dt>qi</dt><dd>{formatNumber(p.qi)} /d</dd></div>
      <div><dt>b</dt><dd>{formatNumber(p.b, 3)}</dd></div>
      <div><dt>Di (secant, per {forecast.unit})</dt><dd>{formatNumber((p.di?.secant ?? 0) * 100)} %</dd></div>
      <div><dt>EUR</dt><dd>{formatNumber(forecast.eur, 0)}</dd></div>
      <div><dt>Produced</dt><dd>{formatNumber(forecast.produced, 0)}</dd></div>
      <div><dt>Remaining reserves</dt><dd>{formatNumber(forecast.remaining, 0)}</dd></div>
      <div><dt>Economic limit reached</dt><dd>{forecast.limit_date ?? "not within the forecast"}</dd></div>
    </dl>
  );
}

/** The Arps decline fit: its parameters, EUR and reserves, drawn over the history. */
export function ForecastPanel({ wellId }: { wellId: string }) {
  const [params, setParams] = useState<ForecastParams>({ product: "oil", months: 120, economic_limit: 5 });
  const [draft, setDraft] = useState({ months: "120", economic_limit: "5" });
  const [box, seen] = useDeferredSection<HTMLElement>();
  const forecast = useForecast(wellId, params, seen);
  // The API serves at most ~10 years per request: the history the fit can have used.
  const history = useProduction(wellId, isoDay(daysAgo(HISTORY_DAYS)), isoDay(new Date()), seen);
  const data = useMemo(
    () => (forecast.data && history.data ? forecastSeries(history.data.items, forecast.data, params.product) : null),
    [forecast.data, history.data, params.product],
  );
  const fieldError = forecast.error instanceof ApiProblem ? forecast.error.fieldErrors() : {};
  const unit = params.product === "oil" ? "bbl" : "Mcf";

  function apply() {
    const months = Number(draft.months);
    const limit = Number(draft.economic_limit);
    if (Number.isFinite(months) && Number.isFinite(limit)) setParams((p) => ({ ...p, months, economic_limit: limit }));
  }

  return (
    <section className="card" aria-labelledby="forecast-title" ref={box}>
      <header><h2 id="forecast-title">Decline forecast</h2></header>
      <form className="row" onSubmit={(e) => { e.preventDefault(); apply(); }}>
        <SelectField label="Product" value={params.product} options={[{ value: "oil", label: "Oil" }, { value: "gas", label: "Gas" }]}
          onChange={(e) => setParams((p) => ({ ...p, product: e.target.value as "oil" | "gas" }))} />
        <TextField label="Months" inputMode="numeric" value={draft.months} error={fieldError.months}
          onChange={(e) => setDraft((d) => ({ ...d, months: e.target.value }))} />
        <TextField label={`Economic limit (${unit}/day)`} inputMode="decimal" value={draft.economic_limit} error={fieldError.economic_limit}
          onChange={(e) => setDraft((d) => ({ ...d, economic_limit: e.target.value }))} />
        <button type="submit" className="btn secondary">Fit</button>
      </form>
      {forecast.isLoading ? <Loading label="Fitting the decline…" /> : null}
      <ErrorNotice error={history.error} />
      {forecast.error && !Object.keys(fieldError).length ? <ErrorNotice error={forecast.error} /> : null}
      {forecast.error && fieldError.production ? <p>{fieldError.production}</p> : null}
      {forecast.data ? (
        <>
          <Parameters forecast={forecast.data} />
          <p className="muted small">Volumes in {unit}. Fit of {forecast.data.origin} onward, R² (log) {formatNumber(forecast.data.goodness_of_fit.r_squared_log ?? null, 3)}.</p>
          {data ? (
            <TimeSeriesChart
              name="forecast"
              label={`${params.product} rate history and ${humanize(forecast.data.model)} forecast on a log scale`}
              data={data}
              series={[
                { label: `History (${unit}/d)`, color: "#0b6e4f", scale: "rate", width: 1 },
                { label: `Forecast (${unit}/d)`, color: "#b3261e", scale: "rate", dash: [6, 4], width: 2 },
              ]}
              axes={[{ scale: "rate", label: `${unit} per day (log)`, log: true }]}
            />
          ) : null}
        </>
      ) : null}
    </section>
  );
}
