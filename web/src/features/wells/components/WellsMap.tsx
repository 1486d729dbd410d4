import { useMemo } from "react";
import { useNavigate } from "react-router-dom";

import type { Well } from "../api/wells";

const WIDTH = 1000;
const HEIGHT = 240;
const PAD = 24;

export const STATUS_COLORS: Record<string, string> = {
  PRODUCING: "#0b6e4f", SHUT_IN: "#c27c00", DRILLING: "#1d4f91", COMPLETED: "#4a7bd0",
  PERMITTED: "#7a8cc0", PLANNED: "#8a9a93", ABANDONED: "#b42318", PLUGGED: "#555", CANCELLED: "#aaa",
};

export interface Point {
  well: Well;
  x: number;
  y: number;
}

/** Equirectangular projection of the wells' surface locations into the map's box (north up). */
export function project(wells: readonly Well[], width = WIDTH, height = HEIGHT, pad = PAD): Point[] {
  const located = wells.filter((w) => w.surface_latitude != null && w.surface_longitude != null);
  if (located.length === 0) return [];
  const lats = located.map((w) => w.surface_latitude as number);
  const lons = located.map((w) => w.surface_longitude as number);
  const [minLat, maxLat] = [Math.min(...lats), Math.max(...lats)];
  const [minLon, maxLon] = [Math.min(...lons), Math.max(...lons)];
  const midLat = ((minLat + maxLat) / 2) * (Math.PI / 180);
  const spanX = Math.max((maxLon - minLon) * Math.cos(midLat), 1e-4);
  const spanY = Math.max(maxLat - minLat, 1e-4);
  const scale = Math.min((width - 2 * pad) / spanX, (height - 2 * pad) / spanY);
  const offsetX = (width - spanX * scale) / 2;
  const offsetY = (height - spanY * scale) / 2;
  return located.map((well) => ({
    well,
    x: offsetX + ((well.surface_longitude as number) - minLon) * Math.cos(midLat) * scale,
    y: height - (offsetY + ((well.surface_latitude as number) - minLat) * scale),
  }));
}

/** Well locations as dots on a plain background (no tile server is reachable offline). */
export function WellsMap({ wells }: { wells: readonly Well[] }) {
  const navigate = useNavigate();
  const points = useMemo(() => project(wells), [wells]);
  const statuses = useMemo(() => [...new Set(points.map((p) => p.well.status))].sort(), [points]);
  const missing = wells.length - points.length;
  return (
    <figure className="card" style={{ margin: 0 }}>
      <svg className="map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img"
        aria-label={`Map of ${points.length} well locations; the table lists the same wells`}>
        <rect x="0" y="0" width={WIDTH} height={HEIGHT} fill="#eef3f1" />
        {points.map(({ well, x, y }) => (
          <circle key={well.id} cx={x} cy={y} r={6} fill={STATUS_COLORS[well.status] ?? "#333"} stroke="#fff" strokeWidth={1.5}
            onClick={() => navigate(`/wells/${well.id}`)}>
            <title>{`${well.name} (${well.status.replace("_", " ").toLowerCase()})`}</title>
          </circle>
        ))}
      </svg>
      <figcaption className="legend">
        {statuses.map((status) => (
          <span key={status} style={{ ["--dot" as string]: STATUS_COLORS[status] ?? "#333" }}>{status.replace("_", " ").toLowerCase()}</span>
        ))}
        {missing > 0 ? <span className="muted">{missing} without a location</span> : null}
      </figcaption>
    </figure>
  );
}
