import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../api/client';
import type { Me } from '../api/models';
import { Field } from '../ui/field';
import { ErrorNotice } from '../ui/states';
import { EmailField } from './email-field';
import { useGoTo } from './redirect';

/** Email and password sign-in, for people who set a password. */
export function PasswordForm({ next }: { next: string }) {
  const queryClient = useQueryClient();
  const goTo = useGoTo();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const signIn = useMutation({
    mutationFn: () =>
      call<Me>(api.POST('/v1/auth/sessions', { body: { email: email.trim(), password } })),
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
      <EmailField value={email} onChange={setEmail} autoComplete="username" />
      <Field label="Password">
        {(control) => (
          <input
            {...control}
            type="password"
            name="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        )}
      </Field>
      <button type="submit" className="primary" disabled={signIn.isPending}>
        {signIn.isPending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
