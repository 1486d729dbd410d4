/**
 * Links that land on the app with a fragment (`/#/…`): the e-mailed links (sign-in
 * `#/magic-link`, invitation `#/accept-invitation`, password reset `#/reset-password`, each
 * `?tenant&token`) and the SSO callback's tokens (`#/sso?access_token…`).
 * A fragment never reaches a server or its logs; here it becomes a page of the app, and
 * the tokens leave the address bar at once.
 */
import type { SessionStore } from "@/lib/session";
import { tenantFromHost } from "@/lib/tenant";

/** The e-mailed link's page (shared/core/registry/services/mail.py LINK_PAGES) -> the app's page. */
const LINK_PAGES: Record<string, string> = {
  "#/magic-link?": "/sign-in/link",
  "#/accept-invitation?": "/sign-in/invitation",
  "#/reset-password?": "/sign-in/reset",
};

export function takeHashLink(session: SessionStore, where: Location = window.location, history: History = window.history): void {
  const hash = where.hash;
  for (const [prefix, page] of Object.entries(LINK_PAGES)) {
    if (hash.startsWith(prefix)) {
      history.replaceState(null, "", `${page}?${hash.slice(prefix.length)}`);
      return;
    }
  }
  if (hash.startsWith("#/sso?")) {
    const params = new URLSearchParams(hash.slice("#/sso?".length));
    const access = params.get("access_token");
    const refresh = params.get("refresh_token");
    const expires = Number(params.get("expires_in"));
    const tenant = tenantFromHost(where.hostname) ?? session.tenant;
    history.replaceState(null, "", "/wells");
    if (access && refresh && tenant) {
      session.adoptTokens(tenant, { access_token: access, refresh_token: refresh, expires_in: Number.isFinite(expires) && expires > 0 ? expires : 900 });
    }
  }
}
