import { useState, type FormEvent } from "react";

import { splitFieldErrors } from "@/api/problem";
import { Button, ErrorNotice, Loading, Notice, SelectField, StatusBadge, TextField } from "@/components/ui";
import { formatDateTime, humanize } from "@/lib/format";

import {
  useAddUser, useChangeRole, useDeactivate, useEndUserSessions, useInvite, useReactivate, useResendInvitation, useResetUserMfa,
  useRevokeInvitation,
  useUsers, type Role, type User,
} from "../api/admin";

export const ROLES: Role[] = ["ADMIN", "MANAGER", "FIELD_OPERATOR", "VIEWER"];
const roleOptions = ROLES.map((r) => ({ value: r, label: humanize(r) }));

function UserRow({ user, canWrite, me }: { user: User; canWrite: boolean; me: string | undefined }) {
  const role = useChangeRole();
  const deactivate = useDeactivate();
  const reactivate = useReactivate();
  const resend = useResendInvitation();
  const revoke = useRevokeInvitation();
  const endSessions = useEndUserSessions();
  const resetMfa = useResetUserMfa();
  const self = user.id === me;
  const name = user.full_name;
  const error = role.error ?? deactivate.error ?? reactivate.error ?? resend.error ?? revoke.error ?? endSessions.error ?? resetMfa.error;
  return (
    <tr>
      <td>{name}<div className="small muted">{user.email}</div></td>
      <td>
        {canWrite && !self && user.status === "ACTIVE" ? (
          <SelectField label={<span className="visually-hidden">Role of {name}</span>} value={user.role} options={roleOptions}
            disabled={role.isPending} onChange={(e) => role.mutate({ userId: user.id, role: e.target.value as Role })} />
        ) : humanize(user.role)}
        <ErrorNotice error={error} />
      </td>
      <td><StatusBadge value={user.status} /></td>
      <td>{formatDateTime(user.last_login_at)}</td>
      <td>
        {canWrite && !self ? (
          <div className="actions-inline">
            {user.status === "ACTIVE" ? (
              <>
                <Button variant="secondary" size="small" busy={deactivate.isPending} onClick={() => deactivate.mutate(user.id)}
                  aria-label={`Deactivate ${name}`}>Deactivate</Button>
                <Button variant="secondary" size="small" busy={endSessions.isPending} onClick={() => endSessions.mutate(user.id)}
                  aria-label={`End the sessions of ${name}`}>End sessions</Button>
                <Button variant="secondary" size="small" busy={resetMfa.isPending} onClick={() => resetMfa.mutate(user.id)}
                  aria-label={`Reset the two-factor sign-in of ${name}`}>Reset two-factor</Button>
              </>
            ) : null}
            {user.status === "INVITED" ? (
              <>
                <Button variant="secondary" size="small" busy={resend.isPending} onClick={() => resend.mutate(user.id)}
                  aria-label={`Re-send the invitation of ${name}`}>Re-send invitation</Button>
                <Button variant="secondary" size="small" busy={revoke.isPending} onClick={() => revoke.mutate(user.id)}
                  aria-label={`Revoke the invitation of ${name}`}>Revoke invitation</Button>
              </>
            ) : null}
            {user.status === "DEACTIVATED" ? (
              <Button variant="secondary" size="small" busy={reactivate.isPending} onClick={() => reactivate.mutate(user.id)}
                aria-label={`Reactivate ${name}`}>Reactivate</Button>
            ) : null}
          </div>
        ) : null}
        {endSessions.data ? <span className="small muted" role="status">{endSessions.data.ended} session(s) ended.</span> : null}
        {resetMfa.isSuccess ? <span className="small muted" role="status">Two-factor sign-in reset: they enrol again.</span> : null}
        {resend.isSuccess ? <span className="small muted" role="status">Invitation sent again.</span> : null}
      </td>
    </tr>
  );
}

/** An invitation by e-mail: the user sets their own password from the link. */
function InviteUser() {
  const [form, setForm] = useState({ email: "", full_name: "", role: "VIEWER" as Role });
  const invite = useInvite();
  const { byField, other } = splitFieldErrors(invite.error, ["email", "full_name", "role"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    invite.mutate(form, { onSuccess: () => setForm({ email: "", full_name: "", role: form.role }) });
  }
  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby="invite-user-title">
      <h3 id="invite-user-title">Invite a user</h3>
      <div className="form-grid">
        <TextField label="E-mail" type="email" value={form.email} error={byField.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        <TextField label="Full name" value={form.full_name} error={byField.full_name} onChange={(e) => setForm({ ...form, full_name: e.target.value })} />
        <SelectField label="Role" value={form.role} options={roleOptions} error={byField.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} />
      </div>
      {other ? <Notice tone="error">{other}</Notice> : null}
      {invite.data ? (
        <Notice tone="success" title={`${invite.data.full_name} invited.`}>
          An e-mail with a link to set a password went to {invite.data.email} (valid 7 days).
        </Notice>
      ) : null}
      <div><Button type="submit" busy={invite.isPending}>Send invitation</Button></div>
    </form>
  );
}

function AddUser() {
  const [form, setForm] = useState({ email: "", full_name: "", role: "FIELD_OPERATOR" as Role });
  const add = useAddUser();
  const { byField, other } = splitFieldErrors(add.error, ["email", "full_name", "role"]);
  function submit(event: FormEvent) {
    event.preventDefault();
    add.mutate(form, { onSuccess: () => setForm({ email: "", full_name: "", role: form.role }) });
  }
  return (
    <form className="stack" onSubmit={submit} noValidate aria-labelledby="add-user-title">
      <h3 id="add-user-title">Add a user</h3>
      <div className="form-grid">
        <TextField label="E-mail" type="email" value={form.email} error={byField.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        <TextField label="Full name" value={form.full_name} error={byField.full_name} onChange={(e) => setForm({ ...form, full_name: e.target.value })} />
        <SelectField label="Role" value={form.role} options={roleOptions} error={byField.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })} />
      </div>
      {other ? <Notice tone="error">{other}</Notice> : null}
      {add.data ? (
        <Notice tone="success" title={`${add.data.full_name} added.`}>
          One-time password (shown once; give it to them): <code>{add.data.one_time_password}</code>
        </Notice>
      ) : null}
      <div><Button type="submit" busy={add.isPending}>Add user</Button></div>
    </form>
  );
}

export function UsersSection({ canWrite, me }: { canWrite: boolean; me: string | undefined }) {
  const users = useUsers();
  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">Users and roles</h2>
      <ErrorNotice error={users.error} />
      {users.isLoading ? <Loading /> : null}
      {users.data ? (
        <div className="table-wrap" role="region" aria-label="Users table" tabIndex={0}>
          <table className="data">
            <thead><tr><th scope="col">User</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Last sign-in</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
            <tbody>{users.data.map((u) => <UserRow key={u.id} user={u} canWrite={canWrite} me={me} />)}</tbody>
          </table>
        </div>
      ) : null}
      {canWrite ? <InviteUser /> : null}
      {canWrite ? <AddUser /> : null}
    </section>
  );
}
