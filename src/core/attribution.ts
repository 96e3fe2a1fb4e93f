import type { ProgramTerms } from './program-terms.js';
import { DAY_MS, toIso } from './time.js';
import type { Touch } from './touch.js';

export interface AttributionReason {
  model: 'last_touch' | 'first_touch';
  window_days: number;
  priority: string[];
  touch: { kind: string; ref: string; at: string; link_id?: string };
  candidates: number;
  rule: string;
}

/**
 * A touch may be stamped up to this long after the conversion it led to: the
 * marketplace's clock and ours differ, and an event quoting a click id proves
 * the click came first. The same tolerance applies to events from the future.
 */
export const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Picks the touch that earns credit for a conversion at `at`: only touches of
 * the program, not after `at` (give or take CLOCK_SKEW_MS) and within the window; the first kind in
 * `priority` that has any candidate wins (a coupon beats a cookie by default);
 * among that kind, the latest (last touch) or earliest (first touch), with the
 * ref as a deterministic tie-break.
 */
export function chooseTouch(
  touches: readonly Touch[],
  programId: string,
  at: number,
  terms: ProgramTerms,
): { touch: Touch; reason: AttributionReason } | undefined {
  const { model, windowDays, priority } = terms.attribution;
  const earliest = at - windowDays * DAY_MS;
  const eligible = touches.filter(
    (t) => t.programId === programId && t.at <= at + CLOCK_SKEW_MS && t.at >= earliest,
  );
  for (const kind of priority) {
    const ofKind = eligible.filter((t) => t.kind === kind);
    if (ofKind.length === 0) continue;
    ofKind.sort((a, b) =>
      a.at !== b.at ? a.at - b.at : a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0,
    );
    const touch = (model === 'last_touch' ? ofKind[ofKind.length - 1] : ofKind[0]) as Touch;
    return {
      touch,
      reason: {
        model,
        window_days: windowDays,
        priority: [...priority],
        touch: {
          kind: touch.kind,
          ref: touch.ref,
          at: toIso(touch.at),
          ...(touch.linkId ? { link_id: touch.linkId } : {}),
        },
        candidates: eligible.length,
        rule: `${kind} has priority; ${model === 'last_touch' ? 'latest' : 'earliest'} ${kind} within ${windowDays} days wins`,
      },
    };
  }
  return undefined;
}
