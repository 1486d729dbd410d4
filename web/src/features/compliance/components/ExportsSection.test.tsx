import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { fakeServer, problem } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { ExportsSection } from "./ExportsSection";

describe("report downloads", () => {
  it("fetches the chosen report in the chosen format with the session and saves it under the server's name", async () => {
    URL.createObjectURL = vi.fn(() => "blob:report");
    URL.revokeObjectURL = vi.fn();
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(() => {});
    const server = fakeServer({
      "GET /api/v1/compliance/severance/export": () =>
        new Response("lease,tax\n", { headers: { "Content-Type": "text/csv", "Content-Disposition": 'attachment; filename="severance-NM-2026-10.xlsx"' } }),
      "GET /api/v1/compliance/revenue/export": () => problem(403, "forbidden", "role VIEWER may not export reports"),
    });
    renderPage(<ExportsSection period="2026-10" state={undefined} leaseId={undefined} />);
    const ui = userEvent.setup();
    await ui.selectOptions(screen.getByLabelText("File format"), "xlsx");
    await ui.selectOptions(screen.getByLabelText("Severance state"), "NM");
    await ui.click(screen.getByRole("button", { name: "Download Severance taxes" }));
    expect(await screen.findByText("Saved severance-NM-2026-10.xlsx.")).toBeInTheDocument();
    expect(clicked).toHaveBeenCalledOnce();
    const call = server.calls[0];
    expect(call?.path).toBe("/api/v1/compliance/severance/export");
    await ui.click(screen.getByRole("button", { name: "Download Payment register (owner revenue)" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("may not export reports");
    clicked.mockRestore();
  });
});
