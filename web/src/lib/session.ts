/**
 * The signed-in session: tokens, silent refresh, sign-out.
 *
 * Tokens live in localStorage so a reload (or a second tab) stays signed in. The
 * refresh token rotates and a reused one revokes its whole family, so refreshes
 * are single-flight within a tab and serialized across tabs with a Web Lock;
 * inside the lock a tab first adopts a token another tab already rotated.
 */

const STORAGE_KEY = "wellos.session";
const EARLY_REFRESH_MS = 30_000;
const AUTH_PATHS = ["/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout"];
/** Requests whose answer carries this tab's next tokens (see `replacingTokens`). */
const REPLACING_PATHS = ["/api/v1/auth/password", "/api/v1/auth/mfa/totp/confirm"];

export interface StoredSession {
  tenant: string;
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

export type SessionStatus = "signed-in" | "signed-out" | "expired";
type Listener = (status: SessionStatus) => void;

interface TokenAnswer {
  access_token: string;
  refresh_token: string;
  expires_in: number;
}

function read(): StoredSession | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<StoredSession>;
    if (parsed.tenant && parsed.accessToken && parsed.refreshToken && parsed.expiresAt) {
      return parsed as StoredSession;
    }
  } catch {
    /* a damaged entry is no session */
  }
  return null;
}

function write(session: StoredSession | null): void {
  if (session) localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  else localStorage.removeItem(STORAGE_KEY);
}

async function withLock<T>(task: () => Promise<T>): Promise<T> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (locks?.request) return locks.request("wellos-refresh", task) as Promise<T>;
  return task();
}

export class SessionStore {
  private session: StoredSession | null = read();
  private refreshing: Promise<boolean> | null = null;
  private replacing = new Set<Promise<unknown>>();
  private listeners = new Set<Listener>();
  private status: SessionStatus = this.session ? "signed-in" : "signed-out";

  constructor(private readonly origin: string, private readonly fetcher: typeof fetch = (...a) => fetch(...a)) {}

  get tenant(): string | null {
    return this.session?.tenant ?? null;
  }

  get current(): SessionStatus {
    return this.status;
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private set(status: SessionStatus): void {
    this.status = status;
    for (const listener of this.listeners) listener(status);
  }

  private adopt(tenant: string, answer: TokenAnswer): void {
    this.session = {
      tenant,
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token,
      expiresAt: Date.now() + answer.expires_in * 1000,
    };
    write(this.session);
  }

  private post(path: string, tenant: string, body: unknown): Promise<Response> {
    return this.fetcher(`${this.origin}${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-WellOS-Tenant": tenant },
      body: JSON.stringify(body),
    });
  }

  /** Log in; resolves with the failed Response (for its problem) or null on success. */
  async signIn(
    tenant: string,
    email: string,
    password: string,
    newPassword?: string,
    mfaCode?: string,
  ): Promise<Response | null> {
    const body: Record<string, string> = { email, password };
    if (newPassword) body.new_password = newPassword;
    if (mfaCode) body.mfa_code = mfaCode;
    const response = await this.post("/api/v1/auth/login", tenant, body);
    if (!response.ok) return response;
    this.adopt(tenant, (await response.json()) as TokenAnswer);
    this.set("signed-in");
    return null;
  }

  /** E-mail a single-use sign-in link (the API answers 202 whether or not the address is known). */
  requestMagicLink(tenant: string, email: string): Promise<Response> {
    return this.post("/api/v1/auth/magic-link", tenant, { email });
  }

  /** Spend an e-mailed link; resolves with the failed Response (for its problem) or null on success. */
  async signInWithLink(tenant: string, token: string, mfaCode?: string): Promise<Response | null> {
    const body: Record<string, string> = { token };
    if (mfaCode) body.mfa_code = mfaCode;
    const response = await this.post("/api/v1/auth/magic-link/sign-in", tenant, body);
    if (!response.ok) return response;
    this.adopt(tenant, (await response.json()) as TokenAnswer);
    this.set("signed-in");
    return null;
  }

  /** Tokens handed over by the SSO callback (in the URL fragment) start the session. */
  adoptTokens(tenant: string, answer: TokenAnswer): void {
    this.adopt(tenant, answer);
    this.set("signed-in");
  }

  /** New tokens for the same tenant (a password change or MFA enrolment ends the old session). */
  replaceTokens(answer: TokenAnswer): void {
    if (this.session) this.adopt(this.session.tenant, answer);
  }

  /**
   * Send a request whose answer replaces this tab's tokens (a password change, MFA
   * enrolment) and adopt them. The server ends the old session before it answers, so
   * a request refused meanwhile waits for these tokens instead of taking the session
   * as ended (its refresh token is already revoked).
   */
  async replacingTokens<T>(send: () => Promise<T>, tokensOf: (answer: T) => TokenAnswer): Promise<T> {
    const pending = send().then((answer) => {
      this.replaceTokens(tokensOf(answer));
      return answer;
    });
    this.replacing.add(pending);
    try {
      return await pending;
    } finally {
      this.replacing.delete(pending);
    }
  }

  /** Wait for token replacements in flight (other than the one this request belongs to). */
  private async settleReplacements(request: Request): Promise<void> {
    if (this.replacing.size === 0 || REPLACING_PATHS.some((p) => request.url.includes(p))) return;
    await Promise.allSettled([...this.replacing]);
  }

  async signOut(): Promise<void> {
    const session = this.session;
    this.session = null;
    write(null);
    this.set("signed-out");
    if (session) {
      await this.post("/api/v1/auth/logout", session.tenant, {
        refresh_token: session.refreshToken,
      }).catch(() => undefined);
    }
  }

  /** The session ended under the user (refresh refused): sign in again, then come back. */
  expire(): void {
    this.session = null;
    write(null);
    this.set("expired");
  }

  /** Rotate the tokens once, however many callers ask at the same time. */
  refresh(): Promise<boolean> {
    this.refreshing ??= withLock(() => this.rotate()).finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async rotate(): Promise<boolean> {
    const mine = this.session;
    const stored = read();
    if (stored && mine && stored.refreshToken !== mine.refreshToken && stored.tenant === mine.tenant) {
      this.session = stored; // another tab rotated it already
      return true;
    }
    if (!mine) return false;
    try {
      const response = await this.post("/api/v1/auth/refresh", mine.tenant, {
        refresh_token: mine.refreshToken,
      });
      // a password change or MFA enrolment may have replaced the tokens meanwhile: theirs are newer
      const replaced = () => {
        const now = read() ?? this.session;
        return now !== null && now.refreshToken !== mine.refreshToken;
      };
      if (!response.ok) return replaced();
      const answer = (await response.json()) as TokenAnswer;
      if (replaced()) {
        this.session = read() ?? this.session;
        return true;
      }
      this.adopt(mine.tenant, answer);
      return true;
    } catch {
      return false;
    }
  }

  private async freshToken(): Promise<string | null> {
    this.session = read() ?? this.session;
    if (this.session && this.session.expiresAt - Date.now() < EARLY_REFRESH_MS) await this.refresh();
    return this.session?.accessToken ?? null;
  }

  private async send(request: Request): Promise<{ response: Response; token: string | null }> {
    const token = await this.freshToken();
    if (token) request.headers.set("Authorization", `Bearer ${token}`);
    if (this.tenant) request.headers.set("X-WellOS-Tenant", this.tenant);
    return { response: await this.fetcher(request), token };
  }

  /**
   * fetch with the access token; on a 401, refresh once and retry, else the session expired.
   * A 401 for a token that was replaced while the request was out (a password change ends
   * the old session) is retried with the new token, without a refresh.
   */
  readonly fetch = async (request: Request): Promise<Response> => {
    const retry = request.clone();
    const { response: first, token } = await this.send(request);
    if (first.status !== 401 || AUTH_PATHS.some((p) => request.url.includes(p))) return first;
    await this.settleReplacements(request);
    this.session = read() ?? this.session;
    if (this.session && token !== null && this.session.accessToken !== token) {
      return (await this.send(retry)).response;
    }
    if (!this.session || !(await this.refresh())) {
      if (this.session || this.status === "signed-in") this.expire();
      return first;
    }
    return (await this.send(retry)).response;
  };
}
