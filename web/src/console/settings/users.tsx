import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import type { UserAccount } from '../../api/models';
import { Badge } from '../../ui/badge';
import { DataTable } from '../../ui/data-table';
import { Field } from '../../ui/field';
import { FormCard } from '../../ui/form-card';
import { formatDateTime } from '../../ui/format';
import { Notice } from '../../ui/notice';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { roleLabels } from '../nav-items';
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
    <FormCard
      title="Add a person"
      onSubmit={() => {
        if (email.trim() && name.trim() && flight.begin()) add.mutate();
      }}
    >
      <div className="form-row">
        <Field label="Name">
          {(control) => (
            <input
              {...control}
              value={name}
              maxLength={200}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Email">
          {(control) => (
            <input
              {...control}
              type="email"
              value={email}
              maxLength={320}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label="Role">
          {(control) => (
            <select
              {...control}
              value={role}
              onChange={(e) => setRole(e.target.value as OperatorRole)}
            >
              {operatorRoles.map((r) => (
                <option key={r} value={r}>
                  {roleLabels[r]}
                </option>
              ))}
            </select>
          )}
        </Field>
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
          <Notice tone="ok">
            {add.data.name} can now sign in with {add.data.email}: they ask for a sign-in link on
            the sign-in page.
          </Notice>
        ) : null}
        {add.isError ? <Notice tone="error">Not added. {messageOf(add.error)}</Notice> : null}
      </div>
    </FormCard>
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
      <DataTable
        label="People who sign in"
        columns={['Name', 'Email', 'Role', 'Last sign-in', 'Access']}
      >
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
      </DataTable>
      <div aria-live="polite">
        {change.isError ? (
          <Notice tone="error">Not changed. {messageOf(change.error)}</Notice>
        ) : null}
      </div>
      <p className="muted small">
        People sign in with a link mailed to them. You cannot change your own role or access.
        {partnerUsers > 0 ? ` ${partnerUsers} partner users are not listed here.` : ''}
      </p>
    </>
  );
}
