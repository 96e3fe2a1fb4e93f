/*
 * Where the knowledge base's console pages live. Typed as plain strings: the
 * pages compile whether or not the console has mounted these routes yet (a
 * literal path the router does not know is a type error).
 */
export const kbListPath: string = '/console/knowledge-base';
export const kbNewPath: string = '/console/knowledge-base/new';
export const kbPagePath = (slug: string): string =>
  `/console/knowledge-base/pages/${encodeURIComponent(slug)}`;
