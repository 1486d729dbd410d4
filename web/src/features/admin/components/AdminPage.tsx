import { PageHeader } from "@/components/ui";
import { useMe } from "@/features/auth/api/session";

import { AssignmentsSection } from "./AssignmentsSection";
import { ScadaSection } from "./ScadaSection";
import { UsersSection } from "./UsersSection";

/**
 * Users and roles, well assignments, SCADA gateways and tags. The identity release adds
 * sections here (invitations, SSO and MFA policy, API keys, sessions, audit log).
 */
export default function AdminPage() {
  const me = useMe();
  const admin = me.data?.role === "ADMIN";
  return (
    <>
      <PageHeader title={admin ? "Admin" : "Team"} />
      <UsersSection canWrite={admin} me={me.data?.id} />
      <AssignmentsSection canWrite={Boolean(me.data?.permissions.includes("wells:write"))} />
      <ScadaSection canWrite={admin} />
    </>
  );
}
