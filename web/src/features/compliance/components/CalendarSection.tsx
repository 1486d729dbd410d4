import { Badge, ErrorNotice, Loading, SelectField, type BadgeTone } from "@/components/ui";
import { humanize } from "@/lib/format";

import { useCalendar } from "../api/compliance";

const TONES: Record<string, BadgeTone> = { overdue: "red", due_soon: "amber", upcoming: "blue", filed: "green" };

/** Every filing and payment due in the year, soonest first, with the rule's source. */
export function CalendarSection({ year, onYear }: { year: number; onYear: (year: number) => void }) {
  const calendar = useCalendar(year);
  const items = [...(calendar.data ?? [])].sort((a, b) => a.due.localeCompare(b.due) || a.label.localeCompare(b.label));
  const years = [year - 1, year, year + 1];
  return (
    <section className="card" aria-labelledby="calendar-title">
      <header>
        <h2 id="calendar-title">Filings calendar {year}</h2>
        <SelectField label="Calendar year" value={String(year)} options={years.map((y) => ({ value: String(y), label: String(y) }))}
          onChange={(e) => onYear(Number(e.target.value))} />
      </header>
      <ErrorNotice error={calendar.error} />
      {calendar.isLoading ? <Loading label="Loading the deadlines…" /> : null}
      {calendar.data && items.length === 0 ? <p>Nothing is due in {year}.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="Filings calendar table" tabIndex={0}>
          <table className="data">
            <thead>
              <tr><th scope="col">Due</th><th scope="col">Filing or payment</th><th scope="col">Agency</th><th scope="col">Period</th><th scope="col">Status</th><th scope="col">Rule</th></tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={`${item.obligation}-${item.period}`}>
                  <td>{item.due}</td>
                  <td>{item.label}</td>
                  <td>{item.agency}</td>
                  <td>{item.period}</td>
                  <td>
                    {item.status ? <Badge tone={TONES[item.status] ?? "neutral"}>{humanize(item.status)}</Badge> : "—"}
                    {item.days_left !== undefined && item.status !== "filed" ? (
                      <span className="muted small"> {item.days_left < 0 ? `${-item.days_left} days late` : `in ${item.days_left} days`}</span>
                    ) : null}
                  </td>
                  <td>{item.source ? <a href={item.source} target="_blank" rel="noreferrer">Source<span className="visually-hidden"> of {item.label} {item.period}</span></a> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
