import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../api/client';
import { ErrorNotice } from '../ui/states';
import { EmailField } from './email-field';

/**
 * Asks for a sign-in link by email. The server answers the same whether or
 * not the address has an account, so the confirmation says "if".
 */
export function MagicLinkForm({
  next,
  submitLabel = 'Email me a sign-in link',
}: {
  next: string;
  submitLabel?: string;
}) {
  const [email, setEmail] = useState('');
  const request = useMutation({
    mutationFn: (address: string) =>
      call<{ sent: boolean }>(
        api.POST('/v1/auth/magic-link', {
          body: { email: address, ...(next !== '/' ? { next } : {}) },
        }),
      ),
  });

  if (request.isSuccess) {
    return (
      <div className="notice notice-ok" role="status">
        <h2>Check your email</h2>
        <p>
          If <strong>{request.variables}</strong> belongs to a Tandem account, a sign-in link is on
          its way. It works once, for 15 minutes.
        </p>
        <p className="small">
          On an installation without mail configured, an operator can read the message on the
          server's <a href="/outbox">outbox page</a>.
        </p>
        <button type="button" className="link" onClick={() => request.reset()}>
          Use a different email address
        </button>
      </div>
    );
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        request.mutate(email.trim());
      }}
    >
      {request.isError ? <ErrorNotice error={request.error} /> : null}
      <EmailField value={email} onChange={setEmail} autoComplete="email" />
      <button type="submit" className="primary" disabled={request.isPending}>
        {request.isPending ? 'Sending…' : submitLabel}
      </button>
    </form>
  );
}
