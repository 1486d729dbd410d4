import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";

import { MappingEditor } from "./MappingEditor";

describe("the import mapping", () => {
  it("moves a field to another column and drops a column from the import", async () => {
    const onChange = vi.fn();
    render(
      <MappingEditor kind="production" mapping={{ oil_bbl: "Oil", hours_on: "Hrs" }} errors={{ "column_mapping.oil_bbl": "not a number" }}
        columns={[{ name: "Oil", samples: [1] }, { name: "Hrs", samples: [24] }, { name: "Oil2", samples: [3] }]} onChange={onChange} />,
    );
    expect(screen.getByLabelText("WellOS field for Oil")).toHaveAccessibleDescription("not a number");
    await userEvent.selectOptions(screen.getByLabelText("WellOS field for Oil2"), "oil_bbl");
    expect(onChange).toHaveBeenLastCalledWith({ hours_on: "Hrs", oil_bbl: "Oil2" });
    await userEvent.selectOptions(screen.getByLabelText("WellOS field for Hrs"), "");
    expect(onChange).toHaveBeenLastCalledWith({ oil_bbl: "Oil" });
  });
});
