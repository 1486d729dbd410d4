import { describe, expect, it } from "vitest";

import { tenantFromHost } from "./tenant";

describe("tenantFromHost", () => {
  it.each([
    ["acme.localhost", "acme"],
    ["permian.wellos.example.com", "permian"],
    ["localhost", null],
    ["127.0.0.1", null],
    ["www.wellos.example.com", null],
    ["app.wellos.example.com", null],
    ["x.localhost", null],
  ])("%s → %s", (host, tenant) => {
    expect(tenantFromHost(host)).toBe(tenant);
  });
});
