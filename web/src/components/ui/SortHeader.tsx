export type SortDirection = "ascending" | "descending";

export interface Sort<K extends string> {
  key: K;
  direction: SortDirection;
}

/** A column header that sorts its table; `aria-sort` tells screen readers the order. */
export function SortHeader<K extends string>({ label, column, sort, onSort, numeric = false }: {
  label: string;
  column: K;
  sort: Sort<K>;
  onSort: (sort: Sort<K>) => void;
  numeric?: boolean;
}) {
  const active = sort.key === column;
  const next: SortDirection = active && sort.direction === "ascending" ? "descending" : "ascending";
  return (
    <th scope="col" aria-sort={active ? sort.direction : "none"} className={numeric ? "num" : undefined}>
      <button type="button" onClick={() => onSort({ key: column, direction: next })}>
        {label}
        <span aria-hidden="true">{active ? (sort.direction === "ascending" ? " ▲" : " ▼") : " ↕"}</span>
      </button>
    </th>
  );
}
