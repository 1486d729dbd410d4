/** RFC 9457 problem details as the WellOS API sends them, and helpers to show them. */

export interface FieldError {
  field: string;
  reason: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  field?: string | null;
  errors?: FieldError[];
  request_id?: string;
  allowed?: string[];
  [key: string]: unknown;
}

/** An error answer of the API (or a network failure, status 0). */
export class ApiProblem extends Error {
  readonly status: number;
  readonly body: ProblemBody;

  constructor(status: number, body: ProblemBody) {
    super(body.detail ?? body.title ?? `request failed (${status})`);
    this.name = "ApiProblem";
    this.status = status;
    this.body = body;
  }

  get code(): string | undefined {
    return this.body.code;
  }

  /** Reasons by field: the problem's `field` and every `errors[].field`. */
  fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const error of this.body.errors ?? []) {
      if (error.field && !(error.field in out)) out[error.field] = error.reason;
    }
    const field = this.body.field;
    if (field && !(field in out)) out[field] = this.body.detail ?? "invalid";
    return out;
  }
}

export function asProblem(status: number, body: unknown): ApiProblem {
  if (body && typeof body === "object") return new ApiProblem(status, body as ProblemBody);
  const detail = typeof body === "string" && body ? body : `request failed (${status})`;
  return new ApiProblem(status, { status, detail });
}

/** A message for anything thrown by a query or mutation. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiProblem) {
    const id = error.body.request_id ? ` (request ${error.body.request_id})` : "";
    return `${error.message}${id}`;
  }
  if (error instanceof Error) return error.message;
  return "something went wrong";
}

/**
 * The errors of `problem` that belong to the given form fields, and the rest as one message.
 * `prefix` strips a body path (`entities.production.`) from the problem's field names.
 */
export function splitFieldErrors(
  problem: unknown,
  fields: readonly string[],
  prefix = "",
): { byField: Record<string, string>; other: string | null } {
  if (!(problem instanceof ApiProblem)) return { byField: {}, other: problem ? messageOf(problem) : null };
  const byField: Record<string, string> = {};
  const leftovers: string[] = [];
  for (const [name, reason] of Object.entries(problem.fieldErrors())) {
    const local = prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
    if (fields.includes(local)) byField[local] = reason;
    else leftovers.push(`${name}: ${reason}`);
  }
  const hasFieldErrors = Object.keys(byField).length > 0;
  const other = leftovers.length ? leftovers.join("; ") : hasFieldErrors ? null : messageOf(problem);
  return { byField, other };
}
