import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { Button, ErrorNotice, Loading, Notice, SelectField, TextField } from "@/components/ui";

import { useAddRunTicket, useRunTickets, useTanks, type Tank } from "../api/compliance";
import { volume } from "./ProblemList";

const FIELDS = [
  "tank_id", "ticket_number", "ticket_date", "purchaser", "opening_gauge", "closing_gauge",
  "observed_gravity", "observed_temperature_f", "bsw_percent", "price_per_bbl", "truck", "seal_off", "seal_on",
] as const;
type Form = Record<(typeof FIELDS)[number], string>;
const EMPTY: Form = Object.fromEntries(FIELDS.map((f) => [f, ""])) as Form;
const GAUGE_HINT = "Feet, inches and fraction: 5' 3 1/4\" or 5-3-1";

function AddRunTicket({ tanks, period }: { tanks: Tank[]; period: string }) {
  const [form, setForm] = useState<Form>({ ...EMPTY, ticket_date: `${period}-01`, bsw_percent: "0" });
  const add = useAddRunTicket();
  const { byField, other } = splitFieldErrors(add.error, FIELDS);
  const set = (key: keyof Form) => (event: { target: { value: string } }) => setForm({ ...form, [key]: event.target.value });
  const oilTanks = tanks.filter((tank) => tank.product === "oil");

  function submit(event: FormEvent) {
    event.preventDefault();
    const optional = (value: string) => value.trim() || null;
    add.mutate(
      {
        tank_id: form.tank_id,
        ticket_number: form.ticket_number,
        ticket_date: form.ticket_date,
        purchaser: form.purchaser,
        opening_gauge: form.opening_gauge,
        closing_gauge: form.closing_gauge,
        observed_gravity: form.observed_gravity,
        observed_temperature_f: form.observed_temperature_f,
        bsw_percent: form.bsw_percent || "0",
        price_per_bbl: optional(form.price_per_bbl),
        truck: optional(form.truck),
        seal_off: optional(form.seal_off),
        seal_on: optional(form.seal_on),
      },
      { onSuccess: () => setForm({ ...form, ticket_number: "", opening_gauge: "", closing_gauge: "", truck: "", seal_off: "", seal_on: "" }) },
    );
  }

  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby="new-ticket-title">
      <h3 id="new-ticket-title">Add a run ticket</h3>
      {oilTanks.length === 0 ? <Notice tone="info">Add an oil tank first: a run ticket is a haul from a tank.</Notice> : null}
      <div className="form-grid">
        <SelectField label="Tank" value={form.tank_id} placeholder="Choose a tank" error={byField.tank_id} onChange={set("tank_id")}
          options={oilTanks.map((tank) => ({ value: tank.id, label: tank.name }))} />
        <TextField label="Ticket number" value={form.ticket_number} error={byField.ticket_number} onChange={set("ticket_number")} />
        <TextField label="Ticket date" type="date" value={form.ticket_date} error={byField.ticket_date} onChange={set("ticket_date")} />
        <TextField label="Purchaser" value={form.purchaser} error={byField.purchaser} onChange={set("purchaser")} />
        <TextField label="Opening gauge" value={form.opening_gauge} hint={GAUGE_HINT} error={byField.opening_gauge} onChange={set("opening_gauge")} />
        <TextField label="Closing gauge" value={form.closing_gauge} hint={GAUGE_HINT} error={byField.closing_gauge} onChange={set("closing_gauge")} />
        <TextField label="Observed API gravity" inputMode="decimal" value={form.observed_gravity} error={byField.observed_gravity} onChange={set("observed_gravity")} />
        <TextField label="Observed temperature (°F)" inputMode="decimal" value={form.observed_temperature_f} error={byField.observed_temperature_f} onChange={set("observed_temperature_f")} />
        <TextField label="BS&W (%)" inputMode="decimal" value={form.bsw_percent} error={byField.bsw_percent} onChange={set("bsw_percent")} />
        <TextField label="Price per bbl" inputMode="decimal" value={form.price_per_bbl} error={byField.price_per_bbl} onChange={set("price_per_bbl")} />
        <TextField label="Truck" value={form.truck} error={byField.truck} onChange={set("truck")} />
        <TextField label="Seal off" value={form.seal_off} error={byField.seal_off} onChange={set("seal_off")} />
        <TextField label="Seal on" value={form.seal_on} error={byField.seal_on} onChange={set("seal_on")} />
      </div>
      {other ? <Notice tone="error">{other}</Notice> : null}
      {add.data ? (
        <Notice tone="success">Run ticket {add.data.ticket_number} added: {volume(add.data.net_standard_bbl)} net standard bbl.</Notice>
      ) : null}
      <div><Button type="submit" busy={add.isPending}>Add run ticket</Button></div>
    </form>
  );
}

/** The month's hauls (gauges strapped to bbl, corrected to net standard), and a new one. */
export function RunTicketsSection({ period, leaseId, canWrite }: { period: string; leaseId: string | undefined; canWrite: boolean }) {
  const tickets = useRunTickets(period, leaseId);
  const tanks = useTanks();
  const tankNames = new Map((tanks.data ?? []).map((tank) => [tank.id, tank.name]));
  const rows = tickets.data ?? [];
  return (
    <section className="card" aria-labelledby="tickets-title">
      <header><h2 id="tickets-title">Run tickets {period}</h2></header>
      <ErrorNotice error={tickets.error ?? tanks.error} />
      {tickets.isLoading ? <Loading label="Loading run tickets…" /> : null}
      {tickets.data && rows.length === 0 ? <p>No run tickets in {period}.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="Run tickets table" tabIndex={0}>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Ticket</th><th scope="col">Date</th><th scope="col">Tank</th><th scope="col">Purchaser</th>
                <th scope="col" className="num">Gravity</th><th scope="col" className="num">Temp. °F</th><th scope="col" className="num">BS&amp;W %</th>
                <th scope="col" className="num">Gross observed bbl</th><th scope="col" className="num">Net standard bbl</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((ticket) => (
                <tr key={ticket.id}>
                  <td>{ticket.ticket_number}</td>
                  <td>{ticket.ticket_date}</td>
                  <td>{tankNames.get(ticket.tank_id) ?? "tank"}</td>
                  <td>{ticket.purchaser}</td>
                  <td className="num">{volume(ticket.observed_gravity)}</td>
                  <td className="num">{volume(ticket.observed_temperature_f)}</td>
                  <td className="num">{volume(ticket.bsw_percent)}</td>
                  <td className="num">{volume(ticket.gross_observed_bbl)}</td>
                  <td className="num">{volume(ticket.net_standard_bbl)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canWrite && tanks.data ? <AddRunTicket key={period} tanks={tanks.data} period={period} /> : null}
    </section>
  );
}
