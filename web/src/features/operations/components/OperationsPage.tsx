import { Link, useSearchParams } from "react-router-dom";

import { PageHeader } from "@/components/ui";
import { useMe } from "@/features/auth/api/session";

import { FIELD_WRITERS, OFFICE_ROLES } from "../api/operations";
import { AfesSection } from "./AfesSection";
import { DocumentsSection } from "./DocumentsSection";
import { IncidentsSection } from "./IncidentsSection";
import { PermitsSection } from "./PermitsSection";
import { WellTestsSection } from "./WellTestsSection";

const TABS = [
  { id: "afes", label: "AFEs", office: true },
  { id: "permits", label: "Permits", office: false },
  { id: "incidents", label: "Incidents", office: false },
  { id: "documents", label: "Documents", office: false },
  { id: "well-tests", label: "Well tests", office: false },
] as const;
type Tab = (typeof TABS)[number]["id"];

/** AFEs, permits, incidents, documents and well tests, one section at a time. */
export default function OperationsPage() {
  const [params] = useSearchParams();
  const me = useMe();
  const role = me.data?.role ?? "";
  const office = OFFICE_ROLES.includes(role);
  const tabs = TABS.filter((tab) => office || !tab.office);
  const requested = params.get("tab");
  const tab: Tab = tabs.find((t) => t.id === requested)?.id ?? tabs[0]?.id ?? "permits";
  const fieldWriter = FIELD_WRITERS.includes(role);
  return (
    <>
      <PageHeader title="Operations" />
      <nav aria-label="Operations sections">
        <ul className="tabs">
          {tabs.map((t) => (
            <li key={t.id}>
              <Link to={`?tab=${t.id}`} aria-current={t.id === tab ? "page" : undefined}>{t.label}</Link>
            </li>
          ))}
        </ul>
      </nav>
      {tab === "afes" && office ? <AfesSection role={role} /> : null}
      {tab === "permits" ? <PermitsSection canWrite={office} /> : null}
      {tab === "incidents" ? <IncidentsSection canWrite={fieldWriter} /> : null}
      {tab === "documents" ? <DocumentsSection canWrite={fieldWriter} /> : null}
      {tab === "well-tests" ? <WellTestsSection canWrite={fieldWriter} /> : null}
    </>
  );
}
