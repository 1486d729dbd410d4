import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { fakeServer, json } from "@/test/fakeServer";
import { renderPage } from "@/test/render";

import { CalendarSection } from "./CalendarSection";

describe("filings calendar", () => {
  it("lists the deadlines soonest first with their status and source, and changes year", async () => {
    const server = fakeServer({
      "GET /api/v1/compliance/calendar": () => json([
        { obligation: "tx_severance", label: "Texas oil severance tax", agency: "Comptroller", period: "2026-10", due: "2026-11-25", source: "https://comptroller.texas.gov", days_left: 3, status: "due_soon" },
        { obligation: "tx_form_pr", label: "Form PR", agency: "RRC", period: "2026-09", due: "2026-10-15", source: "https://rrc.texas.gov", days_left: -38, status: "overdue" },
      ]),
    });
    const onYear = vi.fn();
    renderPage(<CalendarSection year={2026} onYear={onYear} />);
    const table = await screen.findByRole("region", { name: "Filings calendar table" });
    const rows = within(table).getAllByRole("row");
    expect(rows[1]).toHaveTextContent(/2026-10-15.*Form PR.*Overdue.*38 days late/);
    expect(rows[2]).toHaveTextContent(/2026-11-25.*Texas oil severance tax.*Due soon.*in 3 days/);
    expect(within(rows[1] as HTMLElement).getByRole("link", { name: "Source of Form PR 2026-09" })).toHaveAttribute("href", "https://rrc.texas.gov");
    expect(server.calls[0]?.path).toBe("/api/v1/compliance/calendar");
    await userEvent.setup().selectOptions(screen.getByLabelText("Calendar year"), "2027");
    expect(onYear).toHaveBeenCalledWith(2027);
  });
});
