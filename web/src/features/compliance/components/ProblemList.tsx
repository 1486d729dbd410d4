import { formatNumber, humanize } from "@/lib/format";

import type { BalanceProblem } from "../api/compliance";

/** A number as the balance rules sent it (an exact decimal string), read in the user's locale. */
export function volume(value: string | undefined | null): string {
  if (value === undefined || value === null || value === "") return "—";
  const number = Number(value);
  return Number.isFinite(number) ? formatNumber(number, 2) : value;
}

/** Each balance problem with the numbers that broke the rule. */
export function ProblemList({ problems }: { problems: readonly (BalanceProblem & { lease_number?: string })[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="problems">
      {problems.map((problem, index) => (
        <li key={`${problem.product}-${problem.code}-${index}`}>
          <strong>{problem.lease_number ? `${problem.lease_number} · ` : ""}{humanize(problem.product)}</strong>: {problem.message}
          {Object.keys(problem.numbers).length ? (
            <span className="muted small">
              {" "}({Object.entries(problem.numbers).map(([name, value]) => `${humanize(name)} ${volume(value)}`).join(", ")})
            </span>
          ) : null}
        </li>
      ))}
    </ul>
  );
}
