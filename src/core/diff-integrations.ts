import type { ChangeList } from './change-list.js';
import { canonicalJson } from './event-input.js';
import { defaultIntegrationTerms, type IntegrationTermsDocument } from './integration-terms.js';

type Doc = IntegrationTermsDocument;
type Grant = Doc['grants'][number];
type Usage = Doc['usage'][number];
type Level = NonNullable<Doc['certification']>['levels'][number];
type Milestone = Doc['milestones'][number];

const grant = (g: Grant, cur: string) =>
  `${g.credits ? `${g.credits.amount} ${g.credits.asset}` : `${g.flat} ${cur}`} when ${g.on === 'path' ? 'the whole path' : g.on} completes`;

function usage(u: Usage, cur: string): string {
  const pays =
    u.per === 'active_install'
      ? `${u.flat} ${cur} per active install a month`
      : u.per === 'revenue'
        ? `${u.percent}% of paid-install revenue`
        : `${u.tiering} bands ${(u.rates ?? [])
            .map((r) => `${r.each}${r.up_to === undefined ? ' above' : ` up to ${r.up_to}`}`)
            .join(', ')} per ${u.metric}`;
  const duration = u.duration
    ? `, for ${u.duration.months ?? u.duration.days} ${u.duration.months ? 'months' : 'days'} from ${u.duration.from}`
    : '';
  const cap = u.cap_per_month ? `, capped at ${u.cap_per_month} ${cur} a month` : '';
  return `${pays}${duration}${cap}`;
}

const level = (l: Level) =>
  [
    ...l.requires.milestones.map((m) => `milestone ${m}`),
    ...(l.requires.active_installs ? [`${l.requires.active_installs} active installs`] : []),
    ...(l.requires.uptime_at_least !== undefined
      ? [`uptime ≥ ${l.requires.uptime_at_least}%`]
      : []),
    ...(l.requires.error_rate_at_most !== undefined
      ? [`error rate ≤ ${l.requires.error_rate_at_most}%`]
      : []),
  ].join(', ') +
  (l.valid_days ? `; valid ${l.valid_days} days` : '') +
  (l.entitlements.length ? `; entitles ${l.entitlements.join(', ')}` : '');

const milestone = (m: Milestone) =>
  `completed by ${m.completed_by === 'either' ? 'an event or a review' : `${m.completed_by === 'event' ? 'an event' : 'a review'}`}${m.requires?.length ? `, after ${m.requires.join(', ')}` : ''}`;

function byId<T extends { id: string }>(
  out: ChangeList,
  path: string,
  noun: string,
  before: readonly T[],
  after: readonly T[],
  describe: (x: T) => string,
): void {
  const b = new Map(before.map((x) => [x.id, x]));
  const a = new Map(after.map((x) => [x.id, x]));
  for (const [id, x] of b)
    if (!a.has(id)) out.removed(`${path}[${id}]`, x, `${noun} "${id}" removed`);
  for (const [id, x] of a) {
    const old = b.get(id);
    if (!old) out.added(`${path}[${id}]`, x, `${noun} "${id}" added: ${describe(x)}`);
    else if (canonicalJson(old) !== canonicalJson(x))
      out.changed(`${path}[${id}]`, old, x, `${noun} "${id}": ${describe(old)} → ${describe(x)}`);
  }
}

/**
 * Compares the integration terms of two versions item by item (by id). A
 * version without an `integrations` block has the default path and no
 * rewards, so it is compared as that rather than reported as "removed".
 */
export function diffIntegrations(
  out: ChangeList,
  before: Doc | undefined,
  after: Doc | undefined,
): void {
  const b = before ?? defaultIntegrationTerms();
  const a = after ?? defaultIntegrationTerms();
  const order = (d: Doc) => d.milestones.map((m) => m.id).join(' → ');
  if (order(b) !== order(a))
    out.changed(
      'integrations.milestones',
      b.milestones.map((m) => m.id),
      a.milestones.map((m) => m.id),
      `Milestone path now ${order(a)} (was ${order(b)})`,
    );
  byId(out, 'integrations.milestones', 'Milestone', b.milestones, a.milestones, milestone);
  byId(out, 'integrations.grants', 'Integration grant', b.grants, a.grants, (g) =>
    grant(g, out.curAfter),
  );
  byId(out, 'integrations.usage', 'Usage reward', b.usage, a.usage, (u) => usage(u, out.curAfter));
  byId(
    out,
    'integrations.certification.levels',
    'Certification level',
    b.certification?.levels ?? [],
    a.certification?.levels ?? [],
    level,
  );
}
