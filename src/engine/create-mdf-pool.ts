import { isCreditAsset, isCurrency } from '../core/currency.js';
import { TandemError } from '../core/errors.js';
import { type MdfScope, parseQuarter, poolScopeKey } from '../core/mdf.js';
import { parseAmount } from '../core/money.js';
import { versionInForce } from '../core/program-version.js';
import type { MdfPoolsTable } from '../store/schema.js';
import { audit } from './audit.js';
import type { Deps } from './deps.js';
import { loadPrograms } from './load-programs.js';
import { invalid, type MdfPoolView, poolFromRow, readMdfPoolView } from './mdf-pools.js';
import { emitEvent } from './outbox.js';
import { findPartner, requireEnrollment } from './partners.js';
import { findProgram } from './programs.js';
import { inTransaction, type Tx } from './transaction.js';

export interface MdfPoolInput {
  program: string;
  quarter: string;
  scope: MdfScope;
  tierId?: string | undefined;
  partnerId?: string | undefined;
  currency?: string | undefined;
  amount: string;
}

/**
 * Opens a pool of funds for one quarter of a program: for the whole
 * program, for the partners holding one of its tiers, or for one partner.
 * Its currency is the program's unless given. Errors: `program_not_found`,
 * `partner_not_found`, `not_enrolled`, `validation_failed` (quarter, a tier
 * the program does not have, currency), `invalid_amount`, `mdf_pool_exists`
 * (one pool per program, quarter and scope).
 */
export async function createMdfPool(
  deps: Deps,
  input: MdfPoolInput,
  actor: string,
): Promise<MdfPoolView> {
  return inTransaction(deps, async (tx) => {
    const program = await findProgram(tx, input.program);
    const quarter = parseQuarter(input.quarter);
    if (!quarter) throw invalid('quarter', `"${input.quarter}" is not a quarter like 2026-Q1`);
    const versions = (await loadPrograms(tx)).find((p) => p.id === program.id)?.versions ?? [];
    let tierId: string | null = null;
    let partnerId: string | null = null;
    if (input.scope === 'tier') {
      tierId = input.tierId ?? null;
      const tiers = new Set(versions.flatMap((v) => v.terms.tiers?.levels.map((l) => l.id) ?? []));
      if (tierId !== null && !tiers.has(tierId))
        throw invalid(
          'tier_id',
          tiers.size
            ? `program ${program.key} has no tier ${tierId} (it has ${[...tiers].join(', ')})`
            : `program ${program.key} has no tiers`,
        );
    } else if (input.scope === 'partner') {
      partnerId = input.partnerId ?? null;
      if (partnerId !== null) await requireEnrolled(tx, program.id, partnerId);
    }
    if (input.scope !== 'tier' && input.tierId !== undefined)
      throw invalid('tier_id', 'only a tier pool names a tier');
    if (input.scope !== 'partner' && input.partnerId !== undefined)
      throw invalid('partner_id', 'only a partner pool names a partner');
    const scopeKey = poolScopeKey(input.scope, tierId ?? partnerId);
    const inForce =
      versionInForce(versions, quarter.start) ??
      versionInForce(versions, deps.clock.now()) ??
      versions[0];
    const currency = input.currency ?? inForce?.terms.currency;
    if (currency === undefined)
      throw invalid('currency', 'the program has no terms yet; give a currency');
    if (!isCurrency(currency) || isCreditAsset(currency))
      throw invalid('currency', `"${currency}" is not a currency pools can hold`);
    const amount = parseAmount(input.amount, currency);
    if (amount <= 0n) throw invalid('amount', 'must be above 0');
    const taken = await tx
      .selectFrom('mdf_pools')
      .select('id')
      .where('program_id', '=', program.id)
      .where('quarter', '=', input.quarter)
      .where('scope_key', '=', scopeKey)
      .executeTakeFirst();
    if (taken)
      throw new TandemError(
        'mdf_pool_exists',
        `program ${program.key} already has the ${scopeKey} pool of ${input.quarter}: ${taken.id}`,
        { pool_id: taken.id },
      );
    const now = deps.clock.now();
    const row: MdfPoolsTable = {
      id: deps.ids.next('mdfp'),
      program_id: program.id,
      quarter: input.quarter,
      scope: input.scope,
      tier_id: tierId,
      partner_id: partnerId,
      scope_key: scopeKey,
      currency,
      amount,
      created_by: actor,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('mdf_pools').values(row).execute();
    const view = await readMdfPoolView(tx, poolFromRow(row));
    await audit(deps, tx, {
      actor,
      action: 'mdf_pool.created',
      subject: row.id,
      data: { ...view },
    });
    await emitEvent(deps, tx, { type: 'mdf_pool.created', subject: row.id, data: { ...view } });
    return view;
  });
}

async function requireEnrolled(tx: Tx, programId: string, partnerId: string): Promise<void> {
  await findPartner(tx, partnerId);
  await requireEnrollment(tx, programId, partnerId);
}
