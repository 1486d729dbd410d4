import type { Option } from "@/components/ui";

/** Wells as select options, by name. */
export function wellOptions(names: Map<string, string> | undefined): Option[] {
  return [...(names ?? new Map<string, string>()).entries()]
    .sort((a, b) => a[1].localeCompare(b[1]))
    .map(([id, name]) => ({ value: id, label: name }));
}

/** A `datetime-local` value as an instant with its offset (the API wants aware times). */
export function localToIso(value: string): string {
  if (!value) return "";
  const moment = new Date(value);
  return Number.isNaN(moment.getTime()) ? value : moment.toISOString();
}

/** An exact decimal string as money. */
export function money(value: string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const number = Number(value);
  return Number.isFinite(number) ? number.toLocaleString(undefined, { style: "currency", currency: "USD" }) : value;
}
