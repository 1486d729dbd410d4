import { PageHeader } from "@/components/ui";
import { useMe } from "@/features/auth/api/session";

import { AssignmentsSection } from "./AssignmentsSection";
import { ScadaSection } from "./ScadaSection";
import { UsersSection } from "./UsersSection";

/**
 * Users and roles (invitations, sessions, two-factor resets), well assignments, SCADA gateways
 * and tags. The audit log and each user's own account (API keys, sessions, MFA) have their pages.
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
