import type { YamlModule } from './use-yaml';

export type ParsedTerms =
  | { ok: true; terms: Record<string, unknown> }
  | { ok: false; message: string };

/**
 * Reads a draft typed as YAML or JSON into a terms object. A whole program
 * file (`program:`, `name:`, `terms:` as the CLI takes it) gives its `terms`.
 */
export function parseTerms(yaml: YamlModule, text: string): ParsedTerms {
  if (!text.trim()) return { ok: false, message: 'Write the terms, in YAML or JSON.' };
  let value: unknown;
  try {
    value = yaml.parse(text);
  } catch (e) {
    if (e instanceof yaml.YAMLParseError) {
      const at = e.linePos?.[0];
      const where = at ? `Line ${at.line}, column ${at.col}: ` : '';
      return { ok: false, message: `${where}${e.message.split('\n')[0]}` };
    }
    return { ok: false, message: 'The draft could not be read as YAML or JSON.' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, message: 'The terms must be a map of fields (currency, rewards, …).' };
  const doc = value as Record<string, unknown>;
  const inner = doc.terms;
  if (typeof inner === 'object' && inner !== null && !Array.isArray(inner) && !('rewards' in doc))
    return { ok: true, terms: inner as Record<string, unknown> };
  return { ok: true, terms: doc };
}

/** Terms as the YAML people edit (the documents' own key order). */
export function termsToYaml(yaml: YamlModule, terms: unknown): string {
  return yaml.stringify(terms, { lineWidth: 0 });
}
