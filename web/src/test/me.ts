import { session } from "@/api/client";

/** A signed-in session for tests of role-aware pages, and the `/me` answer of that role. */
export function signedInAs(role: string, permissions: string[] = []) {
  session.adoptTokens("acme", { access_token: "access-1", refresh_token: "refresh-1", expires_in: 3600 });
  return {
    id: "u1", email: "pat@acme.test", full_name: "Pat Pumper", role, status: "ACTIVE", last_login_at: null, created_at: null,
    tenant: "acme", permissions,
  };
}
