import { Field } from '../ui/field';

/** The email address a person signs in with. */
export function EmailField({
  value,
  onChange,
  autoComplete,
}: {
  value: string;
  onChange: (email: string) => void;
  /** "username" beside a password, so password managers pair the two. */
  autoComplete: 'email' | 'username';
}) {
  return (
    <Field label="Email address">
      {(control) => (
        <input
          {...control}
          type="email"
          name="email"
          autoComplete={autoComplete}
          required
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
