/**
 * The public steps of the e-mailed links (no session yet): accept an invitation, reset a
 * forgotten password, ask for a reset link. Each call names its tenant in the header, as
 * the sign-in does; the bodies are the API's own schemas.
 */
import type { Schemas } from "@/api/client";
import { asProblem, type ApiProblem } from "@/api/problem";
import { isValidTenant, tenantFromHost } from "@/lib/tenant";

/** The tenant and token of a link page: the host's tenant first, else the link's `tenant`. */
export function linkParams(params: URLSearchParams): { tenant: string; token: string; usable: boolean } {
  const tenant = (tenantFromHost(window.location.hostname) ?? params.get("tenant") ?? "").toLowerCase();
  const token = params.get("token") ?? "";
  return { tenant, token, usable: Boolean(token) && isValidTenant(tenant) };
}

/** The API's answer: the parsed body when it succeeded, else its problem. */
export type Outcome<T> = { ok: true; body: T } | { ok: false; problem: ApiProblem };

async function post<T>(path: string, tenant: string, body: unknown): Promise<Outcome<T>> {
  const answer = await fetch(`${globalThis.location?.origin ?? ""}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-WellOS-Tenant": tenant },
    body: JSON.stringify(body),
  });
  const parsed: unknown = answer.status === 204 ? null : await answer.json().catch(() => null);
  if (answer.ok) return { ok: true, body: parsed as T };
  return { ok: false, problem: asProblem(answer.status, parsed) };
}

export function acceptInvitation(tenant: string, body: Schemas["InvitationAcceptIn"]): Promise<Outcome<Schemas["TokenOut"]>> {
  return post("/api/v1/auth/invitation/accept", tenant, body);
}

export function resetPassword(tenant: string, body: Schemas["PasswordResetIn"]): Promise<Outcome<null>> {
  return post("/api/v1/auth/password/reset", tenant, body);
}

/** The API answers 202 whether or not the address belongs to a user. */
export function forgotPassword(tenant: string, body: Schemas["ForgotPasswordIn"]): Promise<Outcome<Schemas["AcceptedOut"]>> {
  return post("/api/v1/auth/password/forgot", tenant, body);
}

/** A link that is unknown, spent, expired, revoked or malformed: the API names the token. */
export function isDeadLink(problem: ApiProblem): boolean {
  return problem.code === "link_invalid" || "token" in problem.fieldErrors();
}

/** What the sign-in page shows after a reset (router state, so a reload does not repeat it). */
export interface SignInNoticeState {
  notice?: string;
}
