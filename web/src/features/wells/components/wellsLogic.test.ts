import { describe, expect, it } from "vitest";

import { forecastSeries } from "./ForecastPanel";
import { productionSeries } from "./ProductionPanel";
import { sortWells } from "./WellsPage";
import { project } from "./WellsMap";

const well = (name: string, lat: number | null, lon: number | null, extra: object = {}) =>
  ({ id: name, name, status: "PRODUCING", surface_latitude: lat, surface_longitude: lon, lease_id: null, ...extra }) as never;

describe("the wells list and map", () => {
  it("puts north up and east right inside the box, leaving unlocated wells out", () => {
    const points = project([well("north", 32, -102), well("east", 31, -101), well("nowhere", null, null)], 100, 100, 10);
    expect(points.map((p) => p.well.name)).toEqual(["north", "east"]);
    const [north, east] = points as unknown as [{ x: number; y: number }, { x: number; y: number }];
    expect(north.y).toBeLessThan(east.y);
    expect(east.x).toBeGreaterThan(north.x);
    for (const p of points) {
      expect(p.x).toBeGreaterThanOrEqual(10);
      expect(p.x).toBeLessThanOrEqual(90);
    }
  });

  it("sorts by name with numbers in order, or by lease name", () => {
    const wells = [well("Smith 10H", 0, 0, { lease_id: "b" }), well("Smith 2H", 0, 0, { lease_id: "a" })];
    expect(sortWells(wells, { key: "name", direction: "ascending" }, new Map()).map((w) => (w as { name: string }).name)).toEqual(["Smith 2H", "Smith 10H"]);
    const leases = new Map([["a", "Zeta"], ["b", "Alpha"]]);
    expect(sortWells(wells, { key: "lease", direction: "ascending" }, leases).map((w) => (w as { name: string }).name)).toEqual(["Smith 10H", "Smith 2H"]);
  });
});

describe("the well's charts", () => {
  it("aligns daily production as oil, gas, water and hours on", () => {
    const data = productionSeries([{ production_date: "2026-01-02", oil_bbl: 10, gas_mcf: 20, water_bbl: null, hours_on: 24 } as never]);
    expect(data).toEqual([[Date.UTC(2026, 0, 2) / 1000], [10], [20], [null], [24]]);
  });

  it("draws history and forecast on one axis, leaving zero rates out of the log scale", () => {
    const history = [{ production_date: "2026-01-01", oil_bbl: 0 }, { production_date: "2026-01-02", oil_bbl: 12 }] as never[];
    const forecast = { forecast: [{ month: 1, date: "2026-02-01", rate: 11, volume: 330, cumulative: 1 }] } as never;
    const [xs, past, future] = forecastSeries(history, forecast, "oil");
    expect(xs).toHaveLength(3);
    expect(past).toEqual([null, 12, null]);
    expect(future).toEqual([null, null, 11]);
  });
});
