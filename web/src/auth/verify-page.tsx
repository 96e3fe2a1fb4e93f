import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { ApiError, api, call } from '../api/client';
import type { Me } from '../api/models';
import { useDocumentTitle } from '../ui/page-header';
import { ErrorNotice, Loading } from '../ui/states';
import { MagicLinkForm } from './magic-link-form';
import { useGoTo } from './redirect';

/**
 * /sign-in/verify?token=&next=: the page a sign-in mail links to. It spends
 * the token with a POST from the page itself, so a mail scanner that merely
 * fetches the link (a GET) does not use it up.
 */
export function VerifyPage({ token, next }: { token: string; next: string }) {
  useDocumentTitle('Signing in');
  const queryClient = useQueryClient();
  const goTo = useGoTo();
  const verify = useMutation({
    mutationFn: (t: string) => call<Me>(api.POST('/v1/auth/sessions', { body: { token: t } })),
    onSuccess: async (me) => {
      queryClient.setQueryData(['me'], me);
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      goTo(next, { replace: true });
    },
  });
  // One POST per token even when effects run twice (StrictMode in development).
  const sent = useRef<string | null>(null);
  const { mutate } = verify;
  useEffect(() => {
    if (!token || sent.current === token) return;
    sent.current = token;
    mutate(token);
  }, [token, mutate]);

  const linkProblem =
    !token || (verify.error instanceof ApiError && verify.error.code === 'sign_in_link_invalid');

  return (
    <main className="page narrow" id="main">
      <div className="card">
        {linkProblem ? (
          <>
            <h1>This sign-in link does not work</h1>
            <p>
              {token
                ? 'It has expired, was already used, or is not valid. Links work once, for 15 minutes.'
                : 'The link is missing its code. Copy the whole link from the email, or ask for a new one.'}
            </p>
            <h2>Get a new link</h2>
            <MagicLinkForm next={next} submitLabel="Email me a new link" />
          </>
        ) : verify.isError ? (
          <>
            <h1>Signing in did not work</h1>
            <ErrorNotice error={verify.error} retry={() => verify.mutate(token)} />
          </>
        ) : (
          <>
            <h1>Signing you in…</h1>
            <Loading label="Checking your sign-in link…" />
          </>
        )}
      </div>
    </main>
  );
}
