import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { useWellNames } from "@/api/wellNames";
import { Button, ErrorNotice, Loading, Notice, SelectField, TextField } from "@/components/ui";
import { formatDateTime, formatNumber } from "@/lib/format";

import { useLogWellTest, useWellTests } from "../api/operations";
import { localToIso, wellOptions } from "./shared";

const FIELDS = ["start", "end", "oil_bbl_per_day", "gas_mcf_per_day", "water_bbl_per_day"] as const;

function LogWellTest({ wellId }: { wellId: string }) {
  const log = useLogWellTest();
  const empty = { start: "", end: "", oil_bbl_per_day: "", gas_mcf_per_day: "", water_bbl_per_day: "" };
  const [form, setForm] = useState(empty);
  const { byField, other } = splitFieldErrors(log.error, FIELDS);
  function submit(event: FormEvent) {
    event.preventDefault();
    log.mutate({ wellId, body: { ...form, start: localToIso(form.start), end: localToIso(form.end) } }, { onSuccess: () => setForm(empty) });
  }
  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby="new-test-title">
      <h3 id="new-test-title">Log a well test</h3>
      <div className="form-grid">
        <TextField label="Test start" type="datetime-local" value={form.start} error={byField.start} onChange={(e) => setForm({ ...form, start: e.target.value })} />
        <TextField label="Test end" type="datetime-local" value={form.end} error={byField.end} onChange={(e) => setForm({ ...form, end: e.target.value })} />
        <TextField label="Oil (bbl/day)" inputMode="decimal" value={form.oil_bbl_per_day} error={byField.oil_bbl_per_day} onChange={(e) => setForm({ ...form, oil_bbl_per_day: e.target.value })} />
        <TextField label="Gas (mcf/day)" inputMode="decimal" value={form.gas_mcf_per_day} error={byField.gas_mcf_per_day} onChange={(e) => setForm({ ...form, gas_mcf_per_day: e.target.value })} />
        <TextField label="Water (bbl/day)" inputMode="decimal" value={form.water_bbl_per_day} error={byField.water_bbl_per_day} onChange={(e) => setForm({ ...form, water_bbl_per_day: e.target.value })} />
      </div>
      {other ? <Notice tone="error">{other}</Notice> : null}
      {log.data ? <Notice tone="success">Well test of {formatNumber(Number(log.data.hours))} hours logged.</Notice> : null}
      <div><Button type="submit" busy={log.isPending}>Log well test</Button></div>
    </form>
  );
}

/** A well's tests (rates per day over the test's hours), and a new one. */
export function WellTestsSection({ canWrite }: { canWrite: boolean }) {
  const names = useWellNames();
  const [wellId, setWellId] = useState("");
  const tests = useWellTests(wellId);
  const items = [...(tests.data ?? [])].sort((a, b) => b.start.localeCompare(a.start));
  return (
    <section className="card" aria-labelledby="tests-title">
      <header>
        <h2 id="tests-title">Well tests</h2>
        <SelectField label="Tests of well" value={wellId} placeholder="Choose a well" options={wellOptions(names.data)} onChange={(e) => setWellId(e.target.value)} />
      </header>
      <ErrorNotice error={tests.error} />
      {!wellId ? <p className="muted">Choose a well to see its tests.</p> : null}
      {tests.isLoading && wellId ? <Loading label="Loading well tests…" /> : null}
      {tests.data && items.length === 0 ? <p>No tests for this well.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap" role="region" aria-label="Well tests table" tabIndex={0}>
          <table className="data">
            <thead>
              <tr><th scope="col">Start</th><th scope="col">End</th><th scope="col" className="num">Hours</th><th scope="col" className="num">Oil bbl/d</th><th scope="col" className="num">Gas mcf/d</th><th scope="col" className="num">Water bbl/d</th></tr>
            </thead>
            <tbody>
              {items.map((test) => (
                <tr key={test.id}>
                  <td>{formatDateTime(test.start)}</td>
                  <td>{formatDateTime(test.end)}</td>
                  <td className="num">{formatNumber(Number(test.hours))}</td>
                  <td className="num">{formatNumber(Number(test.oil_bbl_per_day))}</td>
                  <td className="num">{formatNumber(Number(test.gas_mcf_per_day))}</td>
                  <td className="num">{formatNumber(Number(test.water_bbl_per_day))}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {canWrite && wellId ? <LogWellTest key={wellId} wellId={wellId} /> : null}
    </section>
  );
}
