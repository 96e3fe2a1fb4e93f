import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { ApiError, api, call, type Issue } from '../../api/client';
import type { Program } from '../../api/programs';
import { type ParsedTerms, parseTerms, termsToYaml } from './parse-terms';
import { useYaml } from './use-yaml';

export type Validation =
  | { state: 'waiting' }
  | { state: 'valid' }
  | { state: 'invalid'; issues: Issue[] }
  | { state: 'unreadable'; message: string }
  | { state: 'failed'; error: unknown };

export interface Draft {
  text: string;
  setText: (text: string) => void;
  /** Replaces the draft with these terms (a version's, to start from). */
  load: (terms: unknown) => void;
  parsed: ParsedTerms | null;
  validation: Validation;
  /** Forgets the draft kept in this browser; starts again from `terms`, else the latest version. */
  discard: (terms?: unknown) => void;
}

const storageKey = (programId: string) => `tandem.console.draft.${programId}`;

/**
 * A program's draft terms: typed in a textarea, kept in this browser (the
 * API stores versions only once published), read as YAML or JSON, and
 * checked by POST /v1/programs/validate a moment after typing stops.
 */
export function useDraft(program: Program): Draft {
  const yaml = useYaml();
  const [text, setTextState] = useState<string | null>(() =>
    window.localStorage.getItem(storageKey(program.id)),
  );
  const latest = program.versions.at(-1);

  // Start from the latest version's terms when nothing was drafted before.
  useEffect(() => {
    if (text === null && yaml.data)
      setTextState(latest ? termsToYaml(yaml.data, latest.terms) : 'currency: USD\nrewards: []\n');
  }, [text, yaml.data, latest]);

  function setText(next: string) {
    setTextState(next);
    window.localStorage.setItem(storageKey(program.id), next);
  }

  const [settled, setSettled] = useState(text ?? '');
  useEffect(() => {
    const t = window.setTimeout(() => setSettled(text ?? ''), 500);
    return () => window.clearTimeout(t);
  }, [text]);

  const parsed = useMemo(
    () => (yaml.data && text !== null ? parseTerms(yaml.data, text) : null),
    [yaml.data, text],
  );
  const settledParsed = useMemo(
    () => (yaml.data ? parseTerms(yaml.data, settled) : null),
    [yaml.data, settled],
  );
  const termsJson = settledParsed?.ok ? JSON.stringify(settledParsed.terms) : null;
  const check = useQuery({
    queryKey: ['validate-terms', termsJson],
    enabled: termsJson !== null,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
    queryFn: async (): Promise<Validation> => {
      try {
        await call<unknown>(
          api.POST('/v1/programs/validate', {
            body: { terms: JSON.parse(termsJson as string) as Record<string, unknown> },
          }),
        );
        return { state: 'valid' };
      } catch (e) {
        if (e instanceof ApiError && e.code === 'invalid_program')
          return { state: 'invalid', issues: e.issues };
        throw e;
      }
    },
  });

  let validation: Validation;
  if (parsed && !parsed.ok) validation = { state: 'unreadable', message: parsed.message };
  else if (text !== settled || !settledParsed || check.isPending) validation = { state: 'waiting' };
  else if (check.isError) validation = { state: 'failed', error: check.error };
  else validation = check.data ?? { state: 'waiting' };

  return {
    text: text ?? '',
    setText,
    load: (terms) => yaml.data && setText(termsToYaml(yaml.data, terms)),
    parsed,
    validation,
    discard: (terms) => {
      window.localStorage.removeItem(storageKey(program.id));
      setTextState(terms !== undefined && yaml.data ? termsToYaml(yaml.data, terms) : null);
    },
  };
}
