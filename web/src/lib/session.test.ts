import { afterEach, describe, expect, it, vi } from "vitest";

import { SessionStore } from "./session";

const ORIGIN = "http://acme.localhost:7071";

function tokens(n: number) {
  return { access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: "bearer", expires_in: 3600 };
}

function answer(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

describe("SessionStore", () => {
  afterEach(() => localStorage.clear());

  it("signs in, sends the token and the tenant, and signs out revoking the refresh token", async () => {
    const seen: Request[] = [];
    const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(String(input), init);
      seen.push(request);
      if (request.url.endsWith("/auth/login")) return answer(tokens(1));
      if (request.url.endsWith("/auth/logout")) return new Response(null, { status: 204 });
      return answer({ ok: true });
    });
    const store = new SessionStore(ORIGIN, fetcher as typeof fetch);
    expect(await store.signIn("acme", "a@acme.test", "pw")).toBeNull();
    expect(store.current).toBe("signed-in");
    await store.fetch(new Request(`${ORIGIN}/api/v1/wells`));
    const call = seen[1] as Request;
    expect(call.headers.get("Authorization")).toBe("Bearer access-1");
    expect(call.headers.get("X-WellOS-Tenant")).toBe("acme");
    await store.signOut();
    expect(store.current).toBe("signed-out");
    expect(localStorage.getItem("wellos.session")).toBeNull();
    expect(await (seen[2] as Request).json()).toEqual({ refresh_token: "refresh-1" });
  });

  it("refreshes once for many requests refused at the same time, then retries them", async () => {
    let refreshes = 0;
    const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(String(input), init);
      if (request.url.endsWith("/auth/login")) return answer(tokens(1));
      if (request.url.endsWith("/auth/refresh")) {
        refreshes += 1;
        return answer(tokens(2));
      }
      return request.headers.get("Authorization") === "Bearer access-2" ? answer({ ok: true }) : answer({}, 401);
    });
    const store = new SessionStore(ORIGIN, fetcher as typeof fetch);
    await store.signIn("acme", "a@acme.test", "pw");
    const results = await Promise.all([1, 2, 3].map(() => store.fetch(new Request(`${ORIGIN}/api/v1/wells`))));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(refreshes).toBe(1);
    expect(JSON.parse(localStorage.getItem("wellos.session") ?? "{}").refreshToken).toBe("refresh-2");
  });

  it("expires the session when the refresh token is refused", async () => {
    const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(String(input), init);
      if (request.url.endsWith("/auth/login")) return answer(tokens(1));
      return answer({ code: "invalid_token" }, 401);
    });
    const store = new SessionStore(ORIGIN, fetcher as typeof fetch);
    await store.signIn("acme", "a@acme.test", "pw");
    const statuses: string[] = [];
    store.subscribe((status) => statuses.push(status));
    const response = await store.fetch(new Request(`${ORIGIN}/api/v1/wells`));
    expect(response.status).toBe(401);
    expect(statuses).toEqual(["expired"]);
    expect(localStorage.getItem("wellos.session")).toBeNull();
  });

  it("adopts tokens another tab already rotated instead of reusing the old refresh token", async () => {
    const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(String(input), init);
      if (request.url.endsWith("/auth/login")) return answer(tokens(1));
      if (request.url.endsWith("/auth/refresh")) return answer({}, 401); // a reuse would be refused
      return answer({ ok: true });
    });
    const store = new SessionStore(ORIGIN, fetcher as typeof fetch);
    await store.signIn("acme", "a@acme.test", "pw");
    const other = { tenant: "acme", accessToken: "access-9", refreshToken: "refresh-9", expiresAt: Date.now() + 3_600_000 };
    localStorage.setItem("wellos.session", JSON.stringify(other));
    expect(await store.refresh()).toBe(true);
    expect(fetcher.mock.calls.some(([input]) => String(input instanceof Request ? input.url : input).endsWith("/auth/refresh"))).toBe(false);
  });

  it("keeps the tokens of a password change that lands while an older request's refresh is out", async () => {
    let releaseRefresh: () => void = () => undefined;
    const refreshHeld = new Promise<void>((resolve) => { releaseRefresh = resolve; });
    let refreshes = 0;
    const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(String(input), init);
      if (request.url.endsWith("/auth/login")) return answer(tokens(1));
      if (request.url.endsWith("/auth/refresh")) {
        refreshes += 1;
        await refreshHeld;
        return answer(tokens(2)); // the server rotated the old session's token
      }
      return request.headers.get("Authorization") === "Bearer access-3" ? answer({ ok: true }) : answer({}, 401);
    });
    const store = new SessionStore(ORIGIN, fetcher as typeof fetch);
    await store.signIn("acme", "a@acme.test", "pw");
    const old = store.fetch(new Request(`${ORIGIN}/api/v1/wells`)); // refused: its refresh is held
    await vi.waitFor(() => expect(refreshes).toBe(1));
    store.replaceTokens(tokens(3)); // the password change's answer: a new session
    releaseRefresh();
    expect((await old).status).toBe(200);
    expect(JSON.parse(localStorage.getItem("wellos.session") ?? "{}").refreshToken).toBe("refresh-3");
    expect(store.current).toBe("signed-in");
  });

  it("retries a request refused for a token replaced meanwhile with the new one, without a refresh", async () => {
    let store: SessionStore | null = null;
    const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(String(input), init);
      if (request.url.endsWith("/auth/login")) return answer(tokens(1));
      if (request.url.endsWith("/auth/refresh")) return answer({}, 401);
      if (request.headers.get("Authorization") === "Bearer access-1") {
        store?.replaceTokens(tokens(3)); // a password change answered while this was out
        return answer({}, 401);
      }
      return answer({ ok: true });
    });
    store = new SessionStore(ORIGIN, fetcher as typeof fetch);
    await store.signIn("acme", "a@acme.test", "pw");
    expect((await store.fetch(new Request(`${ORIGIN}/api/v1/wells`))).status).toBe(200);
    expect(fetcher.mock.calls.some(([input]) => String(input instanceof Request ? input.url : input).endsWith("/auth/refresh"))).toBe(false);
  });
  it("a request refused while a password change is out waits for its tokens instead of ending the session", async () => {
    let answerChange: () => void = () => undefined;
    const changeHeld = new Promise<void>((resolve) => { answerChange = resolve; });
    let refused = 0;
    const fetcher = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(String(input), init);
      if (request.url.endsWith("/auth/login")) return answer(tokens(1));
      if (request.url.endsWith("/auth/refresh")) return answer({}, 401); // the change revoked it
      if (request.url.endsWith("/auth/password")) {
        await changeHeld; // committed on the server, its answer still on the way
        return answer(tokens(3));
      }
      if (request.headers.get("Authorization") === "Bearer access-3") return answer({ ok: true });
      refused += 1;
      return answer({}, 401);
    });
    const store = new SessionStore(ORIGIN, fetcher as typeof fetch);
    await store.signIn("acme", "a@acme.test", "pw");
    const change = store.replacingTokens(
      () => store.fetch(new Request(`${ORIGIN}/api/v1/auth/password`, { method: "POST" })).then((r) => r.json()),
      (body) => body as ReturnType<typeof tokens>,
    );
    const poll = store.fetch(new Request(`${ORIGIN}/api/v1/alerts/count`)); // sent with the old token
    await vi.waitFor(() => expect(refused).toBe(1));
    answerChange();
    await change;
    expect((await poll).status).toBe(200);
    expect(store.current).toBe("signed-in");
    expect(JSON.parse(localStorage.getItem("wellos.session") ?? "{}").refreshToken).toBe("refresh-3");
  });
});
