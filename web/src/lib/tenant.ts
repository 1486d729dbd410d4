/** Which tenant the app is for: the subdomain (`acme.localhost`), else the user types it. */

// Mirrors RESERVED_SUBDOMAINS of shared/core/registry/model/tenants.py: never tenants.
const RESERVED = new Set([
  "www", "api", "app", "admin", "auth", "login", "sso", "mail", "smtp", "ftp", "static",
  "assets", "cdn", "docs", "status", "support", "help", "blog", "dashboard", "portal",
  "console", "ops", "internal", "master", "system", "root", "test", "staging", "dev",
  "demo-admin", "wellos",
]);
const SLUG = /^[a-z][a-z0-9-]{1,38}[a-z0-9]$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The tenant named by the first label of `hostname`, or null (plain localhost, an IP, `www`). */
export function tenantFromHost(hostname: string): string | null {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  if (!host || host.startsWith("[") || IPV4.test(host)) return null;
  const labels = host.split(".");
  if (labels.length < 2) return null;
  const first = labels[0] ?? "";
  return SLUG.test(first) && !RESERVED.has(first) ? first : null;
}

export function isValidTenant(slug: string): boolean {
  return SLUG.test(slug) && !RESERVED.has(slug);
}
