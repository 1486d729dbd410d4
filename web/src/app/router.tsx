import { lazy, Suspense, type ReactNode } from "react";
import { createBrowserRouter, Navigate, type LoaderFunctionArgs } from "react-router-dom";

import { session } from "@/api/client";

import { AppShell } from "@/components/layout/AppShell";
import { ErrorNotice, Loading } from "@/components/ui";
import { SignInPage } from "@/features/auth/components/SignInPage";
import { prefetchWellPage, productionRange, SCADA_DAYS } from "@/features/wells/api/wellDetail";
import { wellQuery } from "@/features/wells/api/wells";
import { WellsPage } from "@/features/wells/components/WellsPage";

import { takeHashLink } from "./hashLinks";
import { queryClient } from "./queryClient";
import { RequireSession } from "./RequireSession";

// The wells list is the landing page and ships in the first bundle; the rest load on demand.
const loadWellPage = () => import("@/features/wells/components/WellPage");
const WellPage = lazy(loadWellPage);
const WellFormPage = lazy(() => import("@/features/wells/components/WellFormPage"));
const AlertsPage = lazy(() => import("@/features/alerts/components/AlertsPage"));
const ReviewPage = lazy(() => import("@/features/review/components/ReviewPage"));
const ImportsPage = lazy(() => import("@/features/imports/components/ImportsPage"));
const EtlPage = lazy(() => import("@/features/etl/components/EtlPage"));
const AdminPage = lazy(() => import("@/features/admin/components/AdminPage"));
const BenchmarksPage = lazy(() => import("@/features/benchmarks/components/BenchmarksPage"));
const AuditPage = lazy(() => import("@/features/audit/components/AuditPage"));
const AccountPage = lazy(() => import("@/features/account/components/AccountPage"));
const WorkOrdersPage = lazy(() => import("@/features/workorders/components/WorkOrdersPage"));
const WorkOrderPage = lazy(() => import("@/features/workorders/components/WorkOrderPage"));
const CompliancePage = lazy(() => import("@/features/compliance/components/CompliancePage"));
const OperationsPage = lazy(() => import("@/features/operations/components/OperationsPage"));
const SettingsPage = lazy(() => import("@/features/settings/components/SettingsPage"));
const MagicLinkPage = lazy(() => import("@/features/auth/components/MagicLinkPage"));
const AcceptInvitationPage = lazy(() => import("@/features/auth/components/AcceptInvitationPage"));
const ResetPasswordPage = lazy(() => import("@/features/auth/components/ResetPasswordPage"));
const ForgotPasswordPage = lazy(() => import("@/features/auth/components/ForgotPasswordPage"));

/** A well's page: its code and its first screen's data load side by side, not one after the other. */
function prefetchWell({ params, request }: LoaderFunctionArgs): null {
  const wellId = params.wellId ?? "";
  if (session.current === "signed-in" && wellId) {
    void loadWellPage();
    void queryClient.prefetchQuery(wellQuery(wellId));
    prefetchWellPage(queryClient, wellId, productionRange(new URL(request.url).searchParams.get("range")), SCADA_DAYS);
  }
  return null;
}

function Page({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

function NotFound() {
  return <ErrorNotice error={new Error("There is no such page.")} />;
}

// an e-mailed link or the SSO callback's tokens become a page before the router reads the address
takeHashLink(session);

export const router = createBrowserRouter([
  { path: "/sign-in", element: <SignInPage /> },
  { path: "/sign-in/link", element: <Page><MagicLinkPage /></Page> },
  { path: "/sign-in/invitation", element: <Page><AcceptInvitationPage /></Page> },
  { path: "/sign-in/reset", element: <Page><ResetPasswordPage /></Page> },
  { path: "/sign-in/forgot", element: <Page><ForgotPasswordPage /></Page> },
  {
    path: "/",
    element: (
      <RequireSession>
        <AppShell />
      </RequireSession>
    ),
    children: [
      { index: true, element: <Navigate to="/wells" replace /> },
      { path: "wells", element: <WellsPage /> },
      { path: "wells/new", element: <Page><WellFormPage /></Page> },
      { path: "wells/:wellId", element: <Page><WellPage /></Page>, loader: prefetchWell },
      { path: "wells/:wellId/edit", element: <Page><WellFormPage /></Page> },
      { path: "alerts", element: <Page><AlertsPage /></Page> },
      { path: "review", element: <Page><ReviewPage /></Page> },
      { path: "review/:conflictId", element: <Page><ReviewPage /></Page> },
      { path: "imports", element: <Page><ImportsPage /></Page> },
      { path: "imports/:importId", element: <Page><ImportsPage /></Page> },
      { path: "etl", element: <Page><EtlPage /></Page> },
      { path: "admin", element: <Page><AdminPage /></Page> },
      { path: "benchmarks", element: <Page><BenchmarksPage /></Page> },
      { path: "audit", element: <Page><AuditPage /></Page> },
      { path: "account", element: <Page><AccountPage /></Page> },
      { path: "work-orders", element: <Page><WorkOrdersPage /></Page> },
      { path: "work-orders/:workOrderId", element: <Page><WorkOrderPage /></Page> },
      { path: "compliance", element: <Page><CompliancePage /></Page> },
      { path: "operations", element: <Page><OperationsPage /></Page> },
      { path: "settings", element: <Page><SettingsPage /></Page> },
      { path: "*", element: <NotFound /> },
    ],
  },
]);
