import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import { Badge } from '../../ui/badge';
import { formatDateTime } from '../../ui/format';
import { EmptyState } from '../../ui/states';
import { TableScroll } from '../../ui/table-scroll';
import type { UserAccount } from '../models';
import { roleLabels } from '../nav-items';
import { QueryView } from '../query-view';
import { Section } from '../section';
import { useInFlight } from '../use-in-flight';
import { useOperator } from '../use-operator';

const operatorRoles = ['owner', 'admin', 'finance', 'partner_manager', 'analyst'] as const;
type OperatorRole = (typeof operatorRoles)[number];

/** Operators who sign in: add one (they get a sign-in link by mail), change a role, disable. */
export function Users() {
  const users = useQuery({
    queryKey: ['users'],
    queryFn: () => call<{ data: UserAccount[] }>(api.GET('/v1/users')).then((r) => r.data),
  });
  return (
    <Section title="People and roles">
      <AddUserForm />
      <QueryView query={users} loading="Loading people…">
        {(list) => {
          const operators = list.filter((u) => u.role !== 'partner');
          return operators.length === 0 ? (
            <EmptyState title="Nobody signs in yet" />
          ) : (
            <UserTable users={operators} partnerUsers={list.length - operators.length} />
          );
        }}
      </QueryView>
    </Section>
  );
}

function AddUserForm() {
  const id = useId();
  const queryClient = useQueryClient();
  const flight = useInFlight();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<OperatorRole>('analyst');
  const add = useMutation({
    mutationFn: () =>
      call<UserAccount>(
        api.POST('/v1/users', { body: { email: email.trim(), name: name.trim(), role } }),
      ),
    onSettled: flight.end,
    onSuccess: () => {
      setEmail('');
      setName('');
      return queryClient.invalidateQueries({ queryKey: ['users'] });
    },
  });
  return (
    <form
      className="card"
      aria-labelledby={`${id}-h`}
      onSubmit={(e) => {
        e.preventDefault();
        if (email.trim() && name.trim() && flight.begin()) add.mutate();
      }}
    >
      <h3 id={`${id}-h`}>Add a person</h3>
      <div className="form-row">
        <div className="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            value={name}
            maxLength={200}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-email`}>Email</label>
          <input
            id={`${id}-email`}
            type="email"
            value={email}
            maxLength={320}
            onChange={(e) => setEmail(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select
            id={`${id}-role`}
            value={role}
            onChange={(e) => setRole(e.target.value as OperatorRole)}
          >
            {operatorRoles.map((r) => (
              <option key={r} value={r}>
                {roleLabels[r]}
              </option>
            ))}
          </select>
        </div>
        <button
          type="submit"
          className="primary"
          disabled={add.isPending || !email.trim() || !name.trim()}
        >
          Add person
        </button>
      </div>
      <div aria-live="polite">
        {add.isSuccess ? (
          <div className="notice notice-ok">
            <p>
              {add.data.name} can now sign in with {add.data.email}: they ask for a sign-in link on
              the sign-in page.
            </p>
          </div>
        ) : null}
        {add.isError ? (
          <div className="notice notice-error" role="alert">
            <p>Not added. {messageOf(add.error)}</p>
          </div>
        ) : null}
      </div>
    </form>
  );
}

function UserTable({ users, partnerUsers }: { users: UserAccount[]; partnerUsers: number }) {
  const { me } = useOperator();
  const queryClient = useQueryClient();
  const flight = useInFlight();
  const change = useMutation({
    mutationFn: (v: { id: string; role?: OperatorRole; disabled?: boolean }) =>
      call<UserAccount>(
        api.PATCH('/v1/users/{id}', {
          params: { path: { id: v.id } },
          body: {
            ...(v.role ? { role: v.role } : {}),
            ...(v.disabled !== undefined ? { disabled: v.disabled } : {}),
          },
        }),
      ),
    onSettled: flight.end,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['users'] }),
  });
  return (
    <>
      <TableScroll label="People who sign in">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Access</th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => {
              const self = u.id === me.user?.id;
              return (
                <tr key={u.id}>
                  <th scope="row">
                    {u.name}
                    {self ? <span className="muted small"> (you)</span> : null}
                  </th>
                  <td>{u.email}</td>
                  <td>
                    <select
                      aria-label={`Role of ${u.name}`}
                      value={u.role}
                      disabled={self || change.isPending}
                      onChange={(e) =>
                        flight.begin() &&
                        change.mutate({ id: u.id, role: e.target.value as OperatorRole })
                      }
                    >
                      {operatorRoles.map((r) => (
                        <option key={r} value={r}>
                          {roleLabels[r]}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="console-nowrap">
                    {u.last_sign_in_at ? formatDateTime(u.last_sign_in_at) : 'Never'}
                  </td>
                  <td>
                    {u.disabled ? <Badge>Disabled</Badge> : null}{' '}
                    {self ? null : (
                      <button
                        type="button"
                        className={u.disabled ? 'small' : 'small danger'}
                        disabled={change.isPending}
                        aria-label={u.disabled ? `Enable ${u.name}` : `Disable ${u.name}`}
                        onClick={() =>
                          flight.begin() && change.mutate({ id: u.id, disabled: !u.disabled })
                        }
                      >
                        {u.disabled ? 'Enable' : 'Disable'}
                      </button>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </TableScroll>
      <div aria-live="polite">
        {change.isError ? (
          <div className="notice notice-error" role="alert">
            <p>Not changed. {messageOf(change.error)}</p>
          </div>
        ) : null}
      </div>
      <p className="muted small">
        People sign in with a link mailed to them. You cannot change your own role or access.
        {partnerUsers > 0 ? ` ${partnerUsers} partner users are not listed here.` : ''}
      </p>
    </>
  );
}
