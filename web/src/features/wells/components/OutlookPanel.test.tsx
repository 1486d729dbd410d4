import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { OutlookFacts } from "./OutlookPanel";

const advice = {
  night: "2026-12-04", model_version: "optimizer-v1", current_choke_64ths: 24, suggested_choke_64ths: 28,
  current_rate_bbl_d: 80, suggested_rate_bbl_d: 86, expected_gain_pct: 7.5, change_recommended: true,
};

describe("the model outlook", () => {
  it("says which choke to set and what it gains, and the water cut now and next", () => {
    render(<OutlookFacts outlook={{ well_id: "w1", optimizer: advice,
      water_cut: { night: "2026-12-04", model_version: "wc-v1", current_30d: 0.42, predicted_30d: 0.47 } }} />);
    expect(screen.getByText(/Change the choke from 24\/64 to 28\/64: about 7\.5 % more oil/)).toBeInTheDocument();
    expect(screen.getByText("42 %")).toBeInTheDocument();
    expect(screen.getByText("47 %")).toBeInTheDocument();
  });

  it("says to keep the choke when no change gains enough, and when a model has not scored the well", () => {
    render(<OutlookFacts outlook={{ well_id: "w1", optimizer: { ...advice, change_recommended: false }, water_cut: null }} />);
    expect(screen.getByText(/Keep the choke at 24\/64/)).toBeInTheDocument();
    expect(screen.getByText(/water-cut model has not scored this well/)).toBeInTheDocument();
  });
});
