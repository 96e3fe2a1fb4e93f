import { useMe } from './use-me';
import { useSignOut } from './use-sign-out';

/** Who is signed in and a Sign out button, for the shell's header. */
export function AccountControls() {
  const me = useMe();
  const signOut = useSignOut();
  if (!me.data) return null;
  const who = me.data.user ? me.data.user.name || me.data.user.email : me.data.name;
  return (
    <div className="shell-account">
      <span className="shell-account-name" title={me.data.user?.email}>
        {who}
      </span>
      <button
        type="button"
        className="small"
        onClick={() => signOut.mutate()}
        disabled={signOut.isPending}
      >
        {signOut.isPending ? 'Signing out…' : 'Sign out'}
      </button>
    </div>
  );
}
