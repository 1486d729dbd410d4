import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { NavLink, Outlet, useLocation, useNavigate } from "react-router-dom";

import { api, call, session } from "@/api/client";
import { Button } from "@/components/ui";
import { isOffice, useMe } from "@/features/auth/api/session";

const COUNT_REFRESH_MS = 30_000;

function useOpenAlertCount(enabled: boolean) {
  return useQuery({
    queryKey: ["alerts", "count", "OPEN"],
    queryFn: () => call(api.GET("/api/v1/alerts", { params: { query: { status: "OPEN", limit: 1 } } })),
    select: (page) => page.total,
    refetchInterval: COUNT_REFRESH_MS,
    enabled,
  });
}

function useOpenConflictCount(enabled: boolean) {
  return useQuery({
    queryKey: ["conflicts", "count", "open"],
    queryFn: () => call(api.GET("/api/v1/conflicts", { params: { query: { status: "open", limit: 1 } } })),
    select: (page) => page.total,
    refetchInterval: COUNT_REFRESH_MS,
    enabled,
  });
}

function Count({ value, label }: { value: number | undefined; label: string }) {
  if (!value) return null;
  return (
    <span className="count" aria-label={`${value} ${label}`}>
      {value}
    </span>
  );
}

/** Navigation (with open alert and review counts), the signed-in user, and the page. */
export function AppShell() {
  const me = useMe();
  const office = isOffice(me.data);
  const admin = me.data?.role === "ADMIN";
  const alerts = useOpenAlertCount(Boolean(me.data));
  const conflicts = useOpenConflictCount(office);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const main = useRef<HTMLElement>(null);
  const { pathname } = useLocation();
  const first = useRef(true);

  // A new page (not a filter change) moves the focus to its content, as a page load would.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus({ preventScroll: false });
  }, [pathname]);

  async function signOut() {
    await session.signOut();
    queryClient.clear();
    navigate("/sign-in", { replace: true });
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">Skip to content</a>
      <header className="sidebar">
        <NavLink to="/wells" className="brand">
          WellOS<small>{session.tenant}</small>
        </NavLink>
        <nav aria-label="Main">
          <ul className="nav">
            <li><NavLink to="/wells">Wells</NavLink></li>
            <li><NavLink to="/alerts">Alerts <Count value={alerts.data} label="open alerts" /></NavLink></li>
            <li><NavLink to="/work-orders">Work orders</NavLink></li>
            <li><NavLink to="/operations">Operations</NavLink></li>
            <li><NavLink to="/compliance">Month-end</NavLink></li>
            {office ? <li><NavLink to="/review">Review queue <Count value={conflicts.data} label="open conflicts" /></NavLink></li> : null}
            <li><NavLink to="/benchmarks">Benchmarks</NavLink></li>
            {office ? <li><NavLink to="/imports">Imports</NavLink></li> : null}
            {office ? <li><NavLink to="/etl">ETL</NavLink></li> : null}
            {office ? <li><NavLink to="/admin">{admin ? "Admin" : "Team"}</NavLink></li> : null}
            {office ? <li><NavLink to="/audit">Audit log</NavLink></li> : null}
            {admin ? <li><NavLink to="/settings">Sign-in settings</NavLink></li> : null}
          </ul>
        </nav>
        <div className="sidebar-foot">
          <span>{me.data ? `${me.data.full_name} (${me.data.role.toLowerCase().replace("_", " ")})` : ""}</span>
          <NavLink to="/account">My account</NavLink>
          <Button variant="secondary" size="small" onClick={signOut}>Sign out</Button>
        </div>
      </header>
      <main className="main" id="main" tabIndex={-1} ref={main}>
        <Outlet />
      </main>
    </div>
  );
}
