import { createHash } from 'node:crypto';
import type { AccrualTrace, DesiredAccrual } from '../core/accrual.js';
import type { AccrualDelta } from '../core/diff-accruals.js';
import { jsonIn, jsonOut } from '../store/values.js';
import { markDirty } from './dirty-units.js';
import { chunks, type Tx } from './transaction.js';

/**
 * Accruals under a monthly partner cap are derived in two stages: a customer
 * unit proposes candidates, and the partner-month unit grants them in time
 * order against the cap. Candidates are stored per customer; a customer's
 * re-derivation rewrites only the candidates that changed and marks only the
 * months they belong to, so a new payment re-caps one month, not all of them.
 * The trace is kept apart from the compact row the cap stage reads.
 */
export async function replaceCandidates(
  tx: Tx,
  customers: string[],
  candidates: DesiredAccrual[],
  now: number,
): Promise<void> {
  const rows = candidates.map((c) => {
    const { trace, ...rest } = c;
    const data = jsonIn(rest);
    const traceText = jsonIn(trace);
    const hash = createHash('sha256')
      .update(data)
      .update('\u0000')
      .update(traceText)
      .digest('base64url');
    return { key: c.key, unit: c.unit, customer_id: c.customerId, hash, data, trace: traceText };
  });
  const wanted = new Map(rows.map((r) => [r.key, r]));
  const stale: string[] = [];
  const touched = new Set<string>();
  for (const part of chunks(customers, 500)) {
    const old = await tx
      .selectFrom('accrual_candidates')
      .select(['key', 'unit', 'hash'])
      .where('customer_id', 'in', part)
      .execute();
    for (const o of old) {
      const w = wanted.get(o.key);
      if (w && w.hash === o.hash && w.unit === o.unit) {
        wanted.delete(o.key);
        continue;
      }
      stale.push(o.key);
      touched.add(o.unit);
    }
  }
  for (const part of chunks(stale, 500))
    await tx.deleteFrom('accrual_candidates').where('key', 'in', part).execute();
  const fresh = [...wanted.values()];
  for (const r of fresh) touched.add(r.unit);
  for (const part of chunks(fresh, 300))
    await tx.insertInto('accrual_candidates').values(part).execute();
  if (touched.size) await markDirty(tx, touched, now);
}

// The cap stage appends its own steps to this stub; `attachTraces` puts the
// stored trace in front of them for the lines that are actually posted.
const stubTrace = (): AccrualTrace => ({ steps: [] }) as unknown as AccrualTrace;

/** The candidates of partner-month units, without their traces. */
export async function loadCandidates(
  tx: Tx,
  units: string[],
): Promise<Map<string, DesiredAccrual[]>> {
  const out = new Map<string, DesiredAccrual[]>();
  for (const part of chunks(units, 500)) {
    const rows = await tx
      .selectFrom('accrual_candidates')
      .select(['unit', 'data'])
      .where('unit', 'in', part)
      .execute();
    for (const r of rows) {
      const raw = jsonOut<Record<string, unknown>>(r.data);
      const share = raw.share as { num: string; den: string } | undefined;
      const c = {
        ...raw,
        amount: BigInt(raw.amount as string),
        ...(raw.partnerCap !== undefined ? { partnerCap: BigInt(raw.partnerCap as string) } : {}),
        ...(raw.budget !== undefined
          ? {
              budget: {
                ...(raw.budget as object),
                monthly: BigInt((raw.budget as { monthly: string }).monthly),
              },
            }
          : {}),
        ...(share ? { share: { num: BigInt(share.num), den: BigInt(share.den) } } : {}),
        trace: stubTrace(),
      } as unknown as DesiredAccrual;
      const list = out.get(r.unit);
      if (list) list.push(c);
      else out.set(r.unit, [c]);
    }
  }
  return out;
}

/** Loads the stored traces of the candidates that are about to be posted and merges the cap steps in. */
export async function attachTraces(tx: Tx, deltas: AccrualDelta[]): Promise<void> {
  const keys = deltas.flatMap((d) => (d.desired ? [d.desired.key] : []));
  const traces = new Map<string, AccrualTrace>();
  for (const part of chunks(keys, 500)) {
    const rows = await tx
      .selectFrom('accrual_candidates')
      .select(['key', 'trace'])
      .where('key', 'in', part)
      .execute();
    for (const r of rows) traces.set(r.key, jsonOut<AccrualTrace>(r.trace));
  }
  for (const d of deltas) {
    if (!d.desired) continue;
    const stored = traces.get(d.desired.key);
    if (!stored) continue;
    const capSteps = d.desired.trace.steps;
    // A capped reversal's own arithmetic replaces the uncapped one; its first step names the refund.
    const steps =
      d.desired.kind === 'reversal' && capSteps.length
        ? [...stored.steps.slice(0, 1), ...capSteps]
        : [...stored.steps, ...capSteps];
    d.desired = { ...d.desired, trace: { ...stored, steps } };
  }
}
