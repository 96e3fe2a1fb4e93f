import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../api/client';
import { messageOf } from '../api/messages';
import type { CreatedSandboxKey, SandboxKey } from '../api/sandbox-keys';
import { useInFlight } from '../console/use-in-flight';
import { CopyButton } from '../ui/copy-button';
import { DataTable } from '../ui/data-table';
import { Field } from '../ui/field';
import { FormCard } from '../ui/form-card';
import { formatDateTime } from '../ui/format';
import { Notice } from '../ui/notice';
import { QueryFallback } from '../ui/query-view';

/** The secret of a key just created: shown this once, never again. */
function NewKey({ created, onDone }: { created: CreatedSandboxKey; onDone: () => void }) {
  return (
    <section className="card" aria-label="New sandbox key">
      <Notice tone="warn">
        Copy this key now: it will not be shown again. Store it like a password.
      </Notice>
      <p>
        <code data-testid="new-sandbox-key">{created.key}</code>{' '}
        <CopyButton text={created.key} label="Copy the new sandbox key" />
      </p>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}

function RevokeButton({ partnerId, sandboxKey }: { partnerId: string; sandboxKey: SandboxKey }) {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const flight = useInFlight();
  const revoke = useMutation({
    mutationFn: () =>
      call<undefined>(
        api.DELETE('/v1/partners/{id}/sandbox-keys/{keyId}', {
          params: { path: { id: partnerId, keyId: sandboxKey.id } },
        }),
      ),
    onSettled: async () => {
      flight.end();
      await client.invalidateQueries({ queryKey: ['portal', 'sandbox-keys', partnerId] });
    },
  });
  if (!confirming) {
    return (
      <button
        type="button"
        className="small"
        onClick={() => setConfirming(true)}
        aria-label={`Revoke ${sandboxKey.name}`}
      >
        Revoke
      </button>
    );
  }
  return (
    <fieldset className="inline-confirm" aria-label={`Confirm revoking ${sandboxKey.name}`}>
      <span>Revoke it? Anything using this key stops working. </span>
      <button
        type="button"
        className="small danger"
        disabled={revoke.isPending}
        onClick={() => {
          if (flight.begin()) revoke.mutate();
        }}
      >
        Yes, revoke
      </button>{' '}
      <button type="button" className="small" onClick={() => setConfirming(false)}>
        Keep it
      </button>
      {revoke.isError ? <Notice tone="error">{messageOf(revoke.error)}</Notice> : null}
    </fieldset>
  );
}

/** A partner's test-mode keys: they read only its sandbox data. See docs/sandbox.md. */
export function SandboxKeys({ partnerId }: { partnerId: string }) {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [created, setCreated] = useState<CreatedSandboxKey | null>(null);
  const flight = useInFlight();
  const keys = useQuery({
    queryKey: ['portal', 'sandbox-keys', partnerId],
    queryFn: () =>
      call<{ data: SandboxKey[] }>(
        api.GET('/v1/partners/{id}/sandbox-keys', { params: { path: { id: partnerId } } }),
      ).then((r) => r.data),
  });
  const create = useMutation({
    mutationFn: () =>
      call<CreatedSandboxKey>(
        api.POST('/v1/partners/{id}/sandbox-keys', {
          params: { path: { id: partnerId } },
          body: name.trim() ? { name: name.trim() } : {},
        }),
      ),
    onSuccess: (key) => {
      setCreated(key);
      setName('');
    },
    onSettled: async () => {
      flight.end();
      await client.invalidateQueries({ queryKey: ['portal', 'sandbox-keys', partnerId] });
    },
  });
  return (
    <>
      <p className="muted">
        Test keys read only your sandbox data, so you can try your integration without touching live
        records.
      </p>
      {created ? <NewKey created={created} onDone={() => setCreated(null)} /> : null}
      {keys.isSuccess ? (
        keys.data.length === 0 ? (
          <p className="muted">No sandbox keys yet.</p>
        ) : (
          <DataTable label="Sandbox keys" columns={['Name', 'Created', 'Status', 'Action']}>
            {keys.data.map((k) => (
              <tr key={k.id}>
                <th scope="row">{k.name}</th>
                <td>{formatDateTime(k.created_at)}</td>
                <td>{k.revoked_at ? `Revoked ${formatDateTime(k.revoked_at)}` : 'Active'}</td>
                <td>
                  {k.revoked_at ? null : <RevokeButton partnerId={partnerId} sandboxKey={k} />}
                </td>
              </tr>
            ))}
          </DataTable>
        )
      ) : (
        <QueryFallback query={keys} loading="Loading sandbox keys…" />
      )}
      <FormCard
        title="Create a sandbox key"
        onSubmit={() => {
          if (flight.begin()) create.mutate();
        }}
      >
        <Field label="Key name" hint="Optional: where you will use it, e.g. “CI”.">
          {(p) => (
            <input {...p} value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        {create.isError ? <Notice tone="error">{messageOf(create.error)}</Notice> : null}
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create sandbox key'}
        </button>
      </FormCard>
    </>
  );
}
