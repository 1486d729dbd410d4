/** How numbers, dates and times read in the app (the browser's locale, UTC dates for days). */

const number = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

export function formatNumber(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (digits === 1) return number.format(value);
  if (digits === 0) return integer.format(value);
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: digits }).format(value);
}

export function formatPercent(fraction: number | null | undefined): string {
  if (fraction === null || fraction === undefined) return "—";
  return `${formatNumber(fraction * 100, 1)} %`;
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return "—";
  const moment = new Date(value);
  return Number.isNaN(moment.getTime()) ? value : dateTime.format(moment);
}

/** `YYYY-MM-DD` of a Date, in UTC. */
export function isoDay(moment: Date): string {
  return moment.toISOString().slice(0, 10);
}

export function daysAgo(days: number, from = new Date()): Date {
  return new Date(from.getTime() - days * 86_400_000);
}

/** Seconds since the epoch of a `YYYY-MM-DD` day (UTC midnight) or an instant. */
export function epochSeconds(value: string): number {
  const text = value.length === 10 ? `${value}T00:00:00Z` : value;
  return Date.parse(text) / 1000;
}

export function humanize(value: string): string {
  const text = value.replace(/_/g, " ").toLowerCase();
  return text.charAt(0).toUpperCase() + text.slice(1);
}
