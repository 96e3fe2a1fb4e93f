import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { Me } from '../api/models';
import { ErrorNotice } from '../ui/states';
import { authRequest } from './auth-request';
import { useGoTo } from './redirect';

/** Email and password sign-in, for people who set a password. */
export function PasswordForm({ next }: { next: string }) {
  const id = useId();
  const queryClient = useQueryClient();
  const goTo = useGoTo();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () =>
      authRequest<Me>('POST', '/v1/auth/sessions', { email: email.trim(), password }),
    onSuccess: async (me) => {
      queryClient.setQueryData(['me'], me);
      await queryClient.invalidateQueries({ queryKey: ['me'] });
      goTo(next);
    },
  });

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        signIn.mutate();
      }}
    >
      {signIn.isError ? <ErrorNotice error={signIn.error} /> : null}
      <div className="field">
        <label htmlFor={`${id}-email`}>Email address</label>
        <input
          id={`${id}-email`}
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-password`}>Password</label>
        <input
          id={`${id}-password`}
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </div>
      <button type="submit" className="primary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
