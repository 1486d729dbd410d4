import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import { fakeServer, json, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { FormPrSection } from "./FormPrSection";

const filing = (status: string, problems: unknown[] = []) => ({
  id: "f1", form: "tx_form_pr", operator_number: "123456", period: "2026-10", status, amended: false, due_date: "2026-11-15",
  leases: [], rows: [], problems, layout: null, filed_at: null,
});
const unbalanced = {
  product: "oil", code: "unbalanced", field: "disposed", message: "does not balance", numbers: { produced: "100", disposed: "120" },
  lease_id: "l1", lease_number: "L-100",
};

describe("Form PR", () => {
  it("prepares the month's filing, lists its problems with the numbers, then validates, files and amends it", async () => {
    const server = fakeServer({
      "POST /api/v1/compliance/form-pr": async (request) => {
        const body = (await request.json()) as { operator_number: string };
        if (body.operator_number === "") return problem(422, "invalid_input", "the RRC operator number: up to 6 digits", { field: "operator_number" });
        return json(filing("draft", [unbalanced]), 201);
      },
      "POST /api/v1/compliance/form-pr/:id/validate": () => json(filing("validated")),
      "POST /api/v1/compliance/form-pr/:id/file": () => json(filing("filed")),
      "POST /api/v1/compliance/form-pr/:id/amend": () => json(filing("amended")),
    });
    renderPage(<FormPrSection period="2026-10" />);
    const ui = userEvent.setup();
    await ui.click(screen.getByRole("button", { name: "Prepare Form PR" }));
    await waitFor(() => expect(screen.getByLabelText("RRC operator number")).toHaveAccessibleDescription(/up to 6 digits/));
    await ui.type(screen.getByLabelText("RRC operator number"), "123456");
    await ui.click(screen.getByRole("button", { name: "Prepare Form PR" }));
    expect(await screen.findByText(/1 problems to fix before filing/)).toBeInTheDocument();
    expect(screen.getByText(/L-100 · Oil/)).toBeInTheDocument();
    expect(screen.getByText(/Produced 100, Disposed 120/)).toBeInTheDocument();
    await ui.click(screen.getByRole("button", { name: "Validate" }));
    await ui.click(await screen.findByRole("button", { name: "Mark as filed" }));
    await ui.click(await screen.findByRole("button", { name: "Amend" }));
    expect(await screen.findByRole("button", { name: "Validate" })).toBeInTheDocument();
    expect(server.calls.map((c) => c.path)).toEqual([
      "/api/v1/compliance/form-pr", "/api/v1/compliance/form-pr",
      "/api/v1/compliance/form-pr/f1/validate", "/api/v1/compliance/form-pr/f1/file", "/api/v1/compliance/form-pr/f1/amend",
    ]);
  });
});
