import { ErrorNotice, Loading } from "@/components/ui";
import { formatNumber } from "@/lib/format";

import { useDeferredSection } from "./firstScreen";
import { useOutlook, type WellOutlook } from "../api/wellDetail";

const percent = (fraction: number) => `${formatNumber(fraction * 100)} %`;

/** What the nightly models advise for this well, beside its production. */
export function OutlookFacts({ outlook }: { outlook: WellOutlook }) {
  const { optimizer, water_cut: waterCut } = outlook;
  return (
    <div className="grid-2">
      <div>
        <h3>Choke advice</h3>
        {optimizer ? (
          <>
            <p>
              {optimizer.change_recommended
                ? `Change the choke from ${formatNumber(optimizer.current_choke_64ths, 0)}/64 to ${formatNumber(optimizer.suggested_choke_64ths, 0)}/64: about ${formatNumber(optimizer.expected_gain_pct)} % more oil.`
                : `Keep the choke at ${formatNumber(optimizer.current_choke_64ths, 0)}/64: no change gains 2 % or more.`}
            </p>
            <dl className="stats">
              <div><dt>Oil now</dt><dd>{formatNumber(optimizer.current_rate_bbl_d)} bbl/d</dd></div>
              <div><dt>Oil at the suggested choke</dt><dd>{formatNumber(optimizer.suggested_rate_bbl_d)} bbl/d</dd></div>
            </dl>
            <p className="muted small">Night of {optimizer.night} · model {optimizer.model_version}</p>
          </>
        ) : <p className="muted">No advice yet: the optimiser has not scored this well.</p>}
      </div>
      <div>
        <h3>Water cut</h3>
        {waterCut ? (
          <>
            <dl className="stats">
              <div><dt>Last 30 days</dt><dd>{percent(waterCut.current_30d)}</dd></div>
              <div><dt>Next 30 days (predicted)</dt><dd>{percent(waterCut.predicted_30d)}</dd></div>
            </dl>
            <p className="muted small">Night of {waterCut.night} · model {waterCut.model_version}</p>
          </>
        ) : <p className="muted">No outlook yet: the water-cut model has not scored this well.</p>}
      </div>
    </div>
  );
}

export function OutlookPanel({ wellId }: { wellId: string }) {
  const [ref, visible] = useDeferredSection<HTMLElement>();
  const outlook = useOutlook(wellId, visible);
  return (
    <section className="card" aria-labelledby="outlook-title" ref={ref}>
      <h2 id="outlook-title">Model outlook</h2>
      <ErrorNotice error={outlook.error} />
      {outlook.isLoading ? <Loading label="Loading the outlook…" /> : null}
      {outlook.data ? <OutlookFacts outlook={outlook.data} /> : null}
    </section>
  );
}
