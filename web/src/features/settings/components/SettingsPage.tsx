import { ErrorNotice, Loading, PageHeader } from "@/components/ui";
import { useMe } from "@/features/auth/api/session";

import { MfaPolicySection } from "./MfaPolicySection";
import { SsoSection } from "./SsoSection";

/** The tenant's sign-in settings, for admins: single sign-on and the two-factor policy. */
export default function SettingsPage() {
  const me = useMe();
  if (me.isLoading) return <Loading />;
  if (me.data?.role !== "ADMIN") {
    return (
      <>
        <PageHeader title="Sign-in settings" />
        <ErrorNotice error={new Error("Only admins change the company's sign-in settings.")} />
      </>
    );
  }
  return (
    <>
      <PageHeader title="Sign-in settings" />
      <SsoSection />
      <MfaPolicySection />
    </>
  );
}
