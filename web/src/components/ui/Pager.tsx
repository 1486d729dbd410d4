import { Button } from "./Button";

export interface PagerProps {
  offset: number;
  limit: number;
  total: number;
  onChange: (offset: number) => void;
  label?: string;
}

/** Previous / next with "21–40 of 120". */
export function Pager({ offset, limit, total, onChange, label = "Pages" }: PagerProps) {
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={label}>
      <span className="muted small" aria-live="polite">
        {first}–{last} of {total}
      </span>
      <Button variant="secondary" size="small" disabled={offset <= 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        Previous
      </Button>
      <Button variant="secondary" size="small" disabled={last >= total} onClick={() => onChange(offset + limit)}>
        Next
      </Button>
    </nav>
  );
}
