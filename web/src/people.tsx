/** The company's people: members and their roles, and invitations. */
import { useState, type FormEvent } from 'react';
import { fieldError, type Data, type UserError } from './api';
import type { Me } from './console';
import { useAction, useQuery, useSession } from './session';
import { ActionErrors, Async, Field, Table, formatDate, invitationLink } from './ui';

type People = Data<'WebPeople'>;
type Role = People['companyRoles'][number];

export function PeoplePage({ me }: { me: Me }) {
  const canManage = me.permissions.includes('company:members.manage');
  const people = useQuery('WebPeople', { companyId: me.company.id, canManage });
  return (
    <section aria-labelledby="people-title">
      <h1 id="people-title">People</h1>
      <Async state={people} what="people">
        {(data) => (
          <>
            {canManage && <Invite companyId={me.company.id} roles={data.companyRoles} onInvited={people.reload} />}
            {canManage && (
              <Invitations
                invitations={data.invitations ?? []}
                roleName={(code) => data.companyRoles.find((r) => r.code === code)?.name ?? code}
                onChanged={people.reload}
              />
            )}
            <Members people={data} myUserId={me.user?.id ?? null} canManage={canManage} onChanged={people.reload} />
            <Roles roles={data.companyRoles} />
          </>
        )}
      </Async>
    </section>
  );
}

function Members({ people, myUserId, canManage, onChanged }: { people: People; myUserId: string | null; canManage: boolean; onChanged: () => void }) {
  const { call } = useSession();
  const action = useAction();
  const roleName = (code: string) => people.companyRoles.find((r) => r.code === code)?.name ?? code;

  async function act(work: () => Promise<{ userErrors: readonly UserError[] }>) {
    if (await action.run(work)) onChanged();
  }
  const setRole = (membershipId: string, role: string) =>
    act(async () => (await call('WebSetMemberRoles', { input: { membershipId, roles: [{ role }] } })).setMemberRoles);
  const remove = (membershipId: string, email: string) =>
    window.confirm(`Remove ${email} from the company? Their sessions end within a second.`) &&
    act(async () => (await call('WebRemoveMember', { input: { membershipId } })).removeMember);

  return (
    <>
      <ActionErrors action={action} />
      <Table
        caption="Members"
        head={['Person', 'Roles', 'Since', '']}
        empty="No members yet."
        rows={people.members.map((m) => {
          const self = m.user.id === myUserId;
          return [
            <span key="who">
              {m.user.displayName ? `${m.user.displayName} · ` : ''}
              {m.user.email}
              {self ? ' (you)' : ''}
            </span>,
            canManage && !self ? (
              <select key="roles" aria-label={`Role of ${m.user.email}`} value={m.roles[0]?.role ?? ''} onChange={(e) => void setRole(m.id, e.target.value)}>
                {people.companyRoles
                  .filter((r) => r.scope === 'COMPANY')
                  .map((r) => (
                    <option key={r.code} value={r.code}>
                      {r.name}
                    </option>
                  ))}
              </select>
            ) : (
              m.roles.map((r) => roleName(r.role)).join(', ')
            ),
            formatDate(m.createdAt),
            canManage && !self ? (
              <button key="remove" type="button" className="danger" onClick={() => void remove(m.id, m.user.email)}>
                Remove
              </button>
            ) : null,
          ];
        })}
      />
    </>
  );
}

function Invitations({
  invitations,
  roleName,
  onChanged,
}: {
  invitations: NonNullable<People['invitations']>;
  roleName: (code: string) => string;
  onChanged: () => void;
}) {
  const { call } = useSession();
  const action = useAction();
  async function revoke(invitationId: string, email: string) {
    if (!window.confirm(`Withdraw the invitation of ${email}? Its link stops working.`)) return;
    if (await action.run(async () => (await call('WebRevokeInvitation', { input: { invitationId } })).revokeInvitation)) onChanged();
  }
  return (
    <>
      <ActionErrors action={action} />
      <Table
        caption="Open invitations"
        head={['E-mail', 'Roles', 'Expires', '']}
        empty="No open invitations."
        rows={invitations.map((i) => [
          i.email,
          i.roles.map((r) => roleName(r.role)).join(', '),
          formatDate(i.expiresAt),
          <button key="revoke" type="button" className="danger" onClick={() => void revoke(i.id, i.email)} aria-label={`Withdraw the invitation of ${i.email}`}>
            Withdraw
          </button>,
        ])}
      />
    </>
  );
}

function Invite({ companyId, roles, onInvited }: { companyId: string; roles: readonly Role[]; onInvited: () => void }) {
  const { call } = useSession();
  const choosable = roles.filter((r) => r.scope === 'COMPANY');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState(choosable.find((r) => r.code === 'EMPLOYEE')?.code ?? choosable[0]?.code ?? '');
  const action = useAction();
  const errors = action.errors;
  const [sent, setSent] = useState<{ email: string; link: string } | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSent(null);
    const payload = await action.run(async () => (await call('WebInviteMember', { input: { companyId, email, roles: [{ role }] } })).inviteMember);
    if (payload?.invitation && payload.token) {
      setSent({ email: payload.invitation.email, link: invitationLink(payload.token) });
      setEmail('');
      onInvited();
    }
  }

  return (
    <section className="panel" aria-labelledby="invite-title">
      <h2 id="invite-title">Invite someone</h2>
      {sent && (
        <div role="status" className="notice notice--ok">
          <p>
            Send this one-time link to <strong>{sent.email}</strong>; it is shown only now:
          </p>
          <input aria-label="Invitation link" readOnly value={sent.link} className="secret" onFocus={(e) => e.target.select()} />
        </div>
      )}
      <form onSubmit={submit} noValidate className="inline-form">
        <Field label="E-mail" error={fieldError(errors, 'email')}>
          {(props) => <input {...props} type="email" name="inviteEmail" value={email} onChange={(e) => setEmail(e.target.value)} required />}
        </Field>
        <Field label="Role" error={fieldError(errors, 'roles')}>
          {(props) => (
            <select {...props} value={role} onChange={(e) => setRole(e.target.value)}>
              {choosable.map((r) => (
                <option key={r.code} value={r.code}>
                  {r.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <button type="submit" className="primary">
          Invite
        </button>
      </form>
      <ActionErrors action={action} fields={['email', 'roles']} />
    </section>
  );
}

function Roles({ roles }: { roles: readonly Role[] }) {
  return (
    <Table
      caption="Roles"
      head={['Role', 'What it is for', 'Permissions']}
      empty="No roles."
      rows={roles.map((r) => [r.name + (r.builtIn ? '' : ' (custom)'), r.description ?? '', r.permissions.length])}
    />
  );
}
