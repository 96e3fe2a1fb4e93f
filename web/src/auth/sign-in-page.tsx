import { useState } from 'react';
import { useDocumentTitle } from '../ui/page-header';
import { ErrorNotice, Loading } from '../ui/states';
import { MagicLinkForm } from './magic-link-form';
import { PasswordForm } from './password-form';
import { Redirect } from './redirect';
import { useMe } from './use-me';

/** /sign-in: a sign-in link by email, or a password for those who have one. */
export function SignInPage({ next }: { next: string }) {
  useDocumentTitle('Sign in');
  const me = useMe();
  const [withPassword, setWithPassword] = useState(false);

  if (me.isPending) return <Loading />;
  if (me.data) return <Redirect to={next} />;

  return (
    <main className="page narrow" id="main">
      <div className="card">
        <h1>Sign in to Tandem</h1>
        {me.isError ? <ErrorNotice error={me.error} /> : null}
        {withPassword ? (
          <>
            <p className="muted">Sign in with your email address and password.</p>
            <PasswordForm next={next} />
            <p className="small" style={{ marginTop: 'var(--space-4)' }}>
              <button type="button" className="link" onClick={() => setWithPassword(false)}>
                Email me a sign-in link instead
              </button>
            </p>
          </>
        ) : (
          <>
            <p className="muted">
              Enter your email address and we will send you a link that signs you in. No password
              needed.
            </p>
            <MagicLinkForm next={next} />
            <p className="small" style={{ marginTop: 'var(--space-4)' }}>
              <button type="button" className="link" onClick={() => setWithPassword(true)}>
                Sign in with a password instead
              </button>
            </p>
          </>
        )}
      </div>
    </main>
  );
}
