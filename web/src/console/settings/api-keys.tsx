import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { type ApiKey, type CreatedApiKey, type Scope, scopes } from '../../api/api-keys';
import { api, call } from '../../api/client';
import { messageOf } from '../../api/messages';
import { Badge } from '../../ui/badge';
import { CopyButton } from '../../ui/copy-button';
import { DataTable } from '../../ui/data-table';
import { Field } from '../../ui/field';
import { FormCard } from '../../ui/form-card';
import { formatDate } from '../../ui/format';
import { Notice } from '../../ui/notice';
import { QueryView } from '../../ui/query-view';
import { Section } from '../../ui/section';
import { EmptyState } from '../../ui/states';
import { useInFlight } from '../use-in-flight';
import { scopeWords } from './scope-words';

/** API keys: create (the secret is shown once), list, revoke. */
export function ApiKeys() {
  const queryClient = useQueryClient();
  const keys = useQuery({
    queryKey: ['api-keys'],
    queryFn: () => call<{ data: ApiKey[] }>(api.GET('/v1/api-keys')).then((r) => r.data),
  });
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  return (
    <Section title="API keys">
      <p className="muted small">
        Keys let your systems call Tandem. Give each system its own key with only the scopes it
        needs; test keys work only on the sandbox.
      </p>
      {created ? <NewSecret created={created} onDone={() => setCreated(null)} /> : null}
      <CreateKeyForm
        onCreated={async (k) => {
          setCreated(k);
          await queryClient.invalidateQueries({ queryKey: ['api-keys'] });
        }}
      />
      <QueryView query={keys} loading="Loading keys…" empty={<EmptyState title="No API keys" />}>
        {(list) => <KeyTable keys={list} />}
      </QueryView>
    </Section>
  );
}

function NewSecret({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const id = useId();
  return (
    <div className="notice notice-warn" role="alert" aria-labelledby={`${id}-h`}>
      <p id={`${id}-h`}>
        <strong>Copy the key “{created.name}” now.</strong> Tandem keeps only a fingerprint of it:
        once you leave this page it cannot be shown again.
      </p>
      <p className="console-key-secret" data-testid="new-api-key">
        {created.key}
      </p>
      <div className="actions">
        <CopyButton text={created.key} label={`Copy the key ${created.name}`} />
        <button type="button" className="small" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </div>
  );
}

function CreateKeyForm({ onCreated }: { onCreated: (k: CreatedApiKey) => void }) {
  const flight = useInFlight();
  const [name, setName] = useState('');
  const [picked, setPicked] = useState<Scope[]>(['read']);
  const [mode, setMode] = useState<'live' | 'test'>('live');
  const create = useMutation({
    mutationFn: () =>
      call<CreatedApiKey>(
        api.POST('/v1/api-keys', { body: { name: name.trim(), scopes: picked, mode } }),
      ),
    onSettled: flight.end,
    onSuccess: (k) => {
      setName('');
      setPicked(['read']);
      onCreated(k);
    },
  });
  const noScope = picked.length === 0;
  return (
    <FormCard
      title="Create an API key"
      onSubmit={() => {
        if (name.trim() && !noScope && flight.begin()) create.mutate();
      }}
    >
      <div className="form-row">
        <Field label="Name">
          {(control) => (
            <input
              {...control}
              value={name}
              maxLength={200}
              placeholder="Billing system"
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field label="Mode">
          {(control) => (
            <select
              {...control}
              value={mode}
              onChange={(e) => setMode(e.target.value as 'live' | 'test')}
            >
              <option value="live">Live data</option>
              <option value="test">Test (sandbox only)</option>
            </select>
          )}
        </Field>
      </div>
      <fieldset>
        <legend>Scopes</legend>
        <div className="console-scope-list">
          {scopes.map((s) => (
            <label key={s} className="console-check">
              <input
                type="checkbox"
                checked={picked.includes(s)}
                onChange={(e) =>
                  setPicked(e.target.checked ? [...picked, s] : picked.filter((x) => x !== s))
                }
              />
              <span>
                {scopeWords[s]}
                <code className="console-scope-code">{s}</code>
              </span>
            </label>
          ))}
        </div>
        {noScope ? <p className="field-error">Pick at least one scope.</p> : null}
      </fieldset>
      <button
        type="submit"
        className="primary"
        disabled={create.isPending || !name.trim() || noScope}
      >
        {create.isPending ? 'Creating…' : 'Create API key'}
      </button>
      {create.isError ? <Notice tone="error">Not created. {messageOf(create.error)}</Notice> : null}
    </FormCard>
  );
}

function KeyTable({ keys }: { keys: ApiKey[] }) {
  const queryClient = useQueryClient();
  const flight = useInFlight();
  const [confirm, setConfirm] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: (keyId: string) =>
      call<unknown>(api.DELETE('/v1/api-keys/{keyId}', { params: { path: { keyId } } })),
    onSettled: flight.end,
    onSuccess: () => {
      setConfirm(null);
      return queryClient.invalidateQueries({ queryKey: ['api-keys'] });
    },
  });
  return (
    <>
      <DataTable
        label="API keys"
        columns={['Name', 'Scopes', 'Mode', 'Created', 'State', 'Action']}
      >
        {keys.map((k) => (
          <tr key={k.id}>
            <th scope="row">
              {k.name}
              {k.partner_id ? <span className="muted small"> (partner key)</span> : null}
            </th>
            <td>{k.scopes.join(', ')}</td>
            <td>{k.mode === 'test' ? <Badge tone="warn">Test</Badge> : 'Live'}</td>
            <td className="console-nowrap">{formatDate(k.created_at)}</td>
            <td>
              {k.revoked_at ? (
                <Badge>Revoked {formatDate(k.revoked_at)}</Badge>
              ) : (
                <Badge tone="ok">Active</Badge>
              )}
            </td>
            <td>
              {k.revoked_at ? null : confirm === k.id ? (
                <span className="actions">
                  <button
                    type="button"
                    className="small danger"
                    disabled={revoke.isPending}
                    onClick={() => flight.begin() && revoke.mutate(k.id)}
                  >
                    Yes, revoke {k.name}
                  </button>
                  <button type="button" className="small" onClick={() => setConfirm(null)}>
                    Keep it
                  </button>
                </span>
              ) : (
                <button
                  type="button"
                  className="small danger"
                  aria-label={`Revoke ${k.name}`}
                  onClick={() => setConfirm(k.id)}
                >
                  Revoke
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {revoke.isError ? <Notice tone="error">Not revoked. {messageOf(revoke.error)}</Notice> : null}
      <p className="muted small">
        A revoked key stops working at once. Revoking the key you are using from a script locks that
        script out.
      </p>
    </>
  );
}
