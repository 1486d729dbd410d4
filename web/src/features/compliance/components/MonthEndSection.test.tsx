import { screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { MonthEndSection } from "./MonthEndSection";

const product = (produced: string, disposed: string) => ({
  opening_inventory: "0", produced, disposed, closing_inventory: "0", producing_days: 30, dispositions: [],
});

const lease = (number: string, balanced: boolean) => ({
  lease_id: `id-${number}`, lease_number: number, lease_name: `Lease ${number}`, state: "TX", period: "2026-10",
  products: { oil: product("1200.5", balanced ? "1200.5" : "980"), gas: product("3000", "3000") },
  water: { produced: "800", disposed: "800" },
  balanced,
  problems: balanced ? [] : [{
    product: "oil", code: "unbalanced", field: "disposed", message: "opening + produced - disposed does not equal closing",
    numbers: { expected_closing: "220.5", closing_inventory: "0" },
  }],
});

describe("month-end by lease", () => {
  it("lists each lease's balance and spells out a problem with its numbers", async () => {
    const server = fakeServer({ "GET /api/v1/compliance/month-end": () => json([lease("L-100", true), lease("L-200", false)]) });
    renderPage(<MonthEndSection period="2026-10" state="TX" />);
    const table = await screen.findByRole("region", { name: "Month-end table" });
    const good = within(table).getByRole("row", { name: /^L-100/ });
    expect(within(good).getByText("balanced")).toBeInTheDocument();
    const bad = within(table).getByRole("row", { name: /^L-200/ });
    expect(within(bad).getByText("1 problems")).toBeInTheDocument();
    const problems = within(table).getByRole("row", { name: /Problems of L-200/ });
    expect(within(problems).getByText(/does not equal closing/)).toBeInTheDocument();
    expect(within(problems).getByText(/Expected closing 220\.5, Closing inventory 0/)).toBeInTheDocument();
    expect(within(table).queryByRole("row", { name: /Problems of L-100/ })).not.toBeInTheDocument();
    expect(screen.getByText(/2 leases · 1 problems/)).toBeInTheDocument();
    expect(server.calls[0]?.path).toBe("/api/v1/compliance/month-end");
  });

  it("says what to do when no lease takes part, and shows the API's refusal", async () => {
    fakeServer({ "GET /api/v1/compliance/month-end": () => json([]) });
    renderPage(<MonthEndSection period="2026-10" state={undefined} />);
    expect(await screen.findByText(/No lease takes part in month-end yet/)).toBeInTheDocument();
  });

  it("shows the API's refusal as an alert", async () => {
    fakeServer({ "GET /api/v1/compliance/month-end": () => problem(403, "forbidden", "role VIEWER may not read reports") });
    renderPage(<MonthEndSection period="2026-10" state={undefined} />);
    expect(await screen.findByRole("alert")).toHaveTextContent("role VIEWER may not read reports");
  });
});
