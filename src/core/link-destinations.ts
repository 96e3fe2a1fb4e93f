import { z } from 'zod';

/**
 * Where a program's tracking links may point: host names (`market.example`)
 * or every subdomain of one (`*.market.example`, not the name itself).
 * Without a list any http(s) address is allowed; with one, a partner cannot
 * make the marketplace's short links into redirects to somewhere else.
 */
export const destinationPattern = z
  .string()
  .max(253)
  .transform((s) => s.trim().toLowerCase())
  .pipe(
    z.string().regex(/^(\*\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, {
      message: 'must be a host name such as market.example, or *.market.example',
    }),
  );

export function destinationAllowed(patterns: readonly string[] | undefined, url: URL): boolean {
  if (!patterns) return true;
  const host = url.hostname.toLowerCase();
  return patterns.some((p) =>
    p.startsWith('*.') ? host.endsWith(p.slice(1)) && host.length > p.length - 1 : host === p,
  );
}
