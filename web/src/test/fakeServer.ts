import { vi } from "vitest";

/**
 * A stand-in for the WellOS API at the network boundary: `fetch` answers from
 * handlers keyed "METHOD /path" (`:id` matches one segment); anything else is a 404.
 */
export type Handler = (request: Request, params: Record<string, string>) => Response | Promise<Response>;

export interface FakeServer {
  calls: { method: string; path: string; body: unknown; headers: Headers }[];
}

export function json(body: unknown, status = 200): Response {
  const type = status >= 400 ? "application/problem+json" : "application/json";
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": type } });
}

export function problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): Response {
  return json({ type: `https://wellos.dev/problems/${code}`, title: code, status, detail, code, request_id: "req-1", ...extra }, status);
}

function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split("/");
  const got = path.split("/");
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? "";
    if (w.startsWith(":")) params[w.slice(1)] = decodeURIComponent(got[i] ?? "");
    else if (w !== got[i]) return null;
  }
  return params;
}

export function fakeServer(handlers: Record<string, Handler>): FakeServer {
  const server: FakeServer = { calls: [] };
  vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    const url = new URL(request.url);
    const text = await request.clone().text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    server.calls.push({ method: request.method, path: url.pathname, body, headers: request.headers });
    for (const [key, handler] of Object.entries(handlers)) {
      const [method, pattern] = key.split(" ");
      const params = method === request.method && pattern ? match(pattern, url.pathname) : null;
      if (params) return handler(request, params);
    }
    return problem(404, "not_found", `no fake for ${request.method} ${url.pathname}`);
  });
  return server;
}

/** A signed-in session in storage (as SessionStore keeps it). */
export function storeSession(tenant = "acme", accessToken = "access-1", refreshToken = "refresh-1"): void {
  localStorage.setItem("wellos.session", JSON.stringify({ tenant, accessToken, refreshToken, expiresAt: Date.now() + 3_600_000 }));
}
