import { useMemo, useState } from "react";
import type { AlignedData } from "uplot";

import { TimeSeriesChart } from "@/components/charts/TimeSeriesChart";
import { Badge, ErrorNotice, Loading, SelectField } from "@/components/ui";
import { epochSeconds, formatDateTime, formatNumber } from "@/lib/format";

import { SCADA_DAYS as DAYS, useBucketedReadings, useLatestReadings, type Bucket } from "../api/wellDetail";

/** A reading's value in its type: floats to 2 digits, integers and enumerations whole,
 * booleans and strings as they are. */
export function readingText(value: unknown, type?: unknown): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "string") return value;
  if (typeof value === "number" && (type === "int" || type === "enum")) return String(value);
  return formatNumber(typeof value === "number" ? value : null, 2);
}

export function byTag(buckets: readonly Bucket[]): Map<string, Bucket[]> {
  const tags = new Map<string, Bucket[]>();
  for (const bucket of buckets) {
    const list = tags.get(bucket.tag) ?? [];
    list.push(bucket);
    tags.set(bucket.tag, list);
  }
  for (const list of tags.values()) list.sort((a, b) => a.bucket_start.localeCompare(b.bucket_start));
  return tags;
}

/** A tiny line of the hourly averages (SVG: eight of them cost nothing to draw). */
function Sparkline({ buckets }: { buckets: readonly Bucket[] }) {
  const values = buckets.map((b) => b.avg).filter((v): v is number => v !== null);
  if (values.length < 2) return null;
  const min = Math.min(...values);
  const span = Math.max(...values) - min || 1;
  const step = 100 / (values.length - 1);
  const points = values.map((v, i) => `${(i * step).toFixed(2)},${(34 - ((v - min) / span) * 32).toFixed(2)}`).join(" ");
  return (
    <svg className="spark" viewBox="0 0 100 36" preserveAspectRatio="none" aria-hidden="true">
      <polyline points={points} fill="none" stroke="#0b6e4f" strokeWidth="1.2" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}

const QUALITY_TONE = { good: "green", uncertain: "amber", bad: "red" } as const;

/** Live SCADA: each tag's latest value, its last 14 days hourly, refreshing. */
export function ScadaPanel({ wellId }: { wellId: string }) {
  const latest = useLatestReadings(wellId);
  const hourly = useBucketedReadings(wellId, DAYS);
  const tags = useMemo(() => byTag(hourly.data ?? []), [hourly.data]);
  const names = [...tags.keys()].sort();
  const [chosen, setChosen] = useState<string | null>(null);
  const tag = chosen ?? names[0] ?? null;
  const series = tag ? tags.get(tag) ?? [] : [];
  const unit = series[0]?.unit ?? "";
  const data = useMemo(
    () => [series.map((b) => epochSeconds(b.bucket_start)), series.map((b) => b.min), series.map((b) => b.avg), series.map((b) => b.max)] as AlignedData,
    [series],
  );

  return (
    <section className="card" aria-labelledby="scada-title">
      <header>
        <h2 id="scada-title">Live SCADA</h2>
        <span className="muted small" role="status">
          {latest.dataUpdatedAt ? `Updated ${new Date(latest.dataUpdatedAt).toLocaleTimeString()}` : ""}
        </span>
      </header>
      <ErrorNotice error={latest.error ?? hourly.error} />
      {latest.isLoading ? <Loading label="Loading readings…" /> : null}
      {latest.data && latest.data.items.length === 0 ? <p>No SCADA tags report for this well.</p> : null}
      {latest.data && latest.data.items.length > 0 ? (
        <ul className="tag-grid" aria-label="Latest value of each tag" style={{ listStyle: "none", padding: 0 }}>
          {latest.data.items.map((reading) => (
            <li key={reading.tag} className="tag">
              <div className="small muted">{reading.tag}</div>
              <div className="value">
                {readingText(reading.value, (reading as { type?: unknown }).type)} <span className="small">{reading.unit ?? ""}</span>
              </div>
              <div className="small">
                <Badge tone={QUALITY_TONE[reading.quality]}>{reading.quality}</Badge> <time dateTime={reading.ts}>{formatDateTime(reading.ts)}</time>
              </div>
              <Sparkline buckets={tags.get(reading.tag) ?? []} />
            </li>
          ))}
        </ul>
      ) : null}
      {names.length > 0 && tag ? (
        <>
          <SelectField label="Tag" value={tag} options={names.map((n) => ({ value: n, label: n }))} onChange={(e) => setChosen(e.target.value)} />
          <TimeSeriesChart
            name="scada"
            label={`Hourly minimum, average and maximum of ${tag} over the last ${DAYS} days`}
            data={data}
            height={220}
            series={[
              { label: "min", color: "#9bb8ad", scale: "v", width: 1 },
              { label: "avg", color: "#0b6e4f", scale: "v", width: 2 },
              { label: "max", color: "#9bb8ad", scale: "v", width: 1 },
            ]}
            axes={[{ scale: "v", label: unit || tag }]}
          />
        </>
      ) : null}
    </section>
  );
}
