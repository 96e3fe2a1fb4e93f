/**
 * Row types as Kysely sees them. Integers come back as `bigint` in both
 * dialects (better-sqlite3 with safe integers; pg with an int8 parser), except
 * PostgreSQL `integer` columns, hence `Int`. JSON columns are text in SQLite
 * and jsonb in PostgreSQL: always go through `json.ts`.
 */
export type Int = bigint | number;
export type Json = unknown;
export type Bool = bigint | number | boolean;

export interface SettingsTable {
  key: string;
  value: string;
}
export interface ApiKeysTable {
  id: string;
  name: string;
  hash: string;
  scopes: Json;
  partner_id: string | null;
  created_at: Int;
  revoked_at: Int | null;
  /** `live` or `test` (sandbox); keys of both modes are stored in the live database only. */
  mode: string;
}
export interface IdempotencyTable {
  scope: string;
  key: string;
  request_hash: string;
  status: Int;
  body: string;
  created_at: Int;
}
export interface AuditLogTable {
  id: string;
  at: Int;
  actor: string;
  action: string;
  subject: string;
  data: Json;
}
export interface ProgramsTable {
  id: string;
  key: string;
  name: string;
  created_at: Int;
}
export interface ProgramVersionsTable {
  id: string;
  program_id: string;
  number: Int;
  effective_from: Int;
  published_at: Int;
  correction: Bool;
  reason: string | null;
  document: Json;
}
export interface PartnersTable {
  id: string;
  name: string;
  email: string | null;
  kinds: Json;
  status: string;
  status_reason: string | null;
  created_at: Int;
  updated_at: Int;
}
export interface PartnerStatusHistoryTable {
  id: string;
  partner_id: string;
  status: string;
  at: Int;
  reason: string | null;
}
export interface EnrollmentsTable {
  program_id: string;
  partner_id: string;
  created_at: Int;
}
export interface LinksTable {
  id: string;
  code: string;
  partner_id: string;
  program_id: string;
  destination: string;
  created_at: Int;
  disabled_at: Int | null;
  /** A campaign's tracking link: its visits are campaign touches. */
  campaign_id?: string | null;
}
export interface CodesTable {
  code: string;
  display: string;
  kind: string;
  partner_id: string;
  program_id: string;
  created_at: Int;
  disabled_at: Int | null;
}
export interface ClicksTable {
  id: string;
  link_id: string;
  partner_id: string;
  program_id: string;
  occurred_at: Int;
  ip_hash: string | null;
  user_agent: string | null;
  referer: string | null;
  bot: Bool;
}
/** PostgreSQL only: the idempotency keys of events (migration 0012; a partitioned table cannot hold them). */
export interface EventKeysTable {
  source: string;
  external_id: string;
  event_id: string;
  content_hash: string;
}
export interface EventsTable {
  id: string;
  source: string;
  external_id: string;
  type: string;
  occurred_at: Int;
  received_at: Int;
  customer_id: string;
  click_id: string | null;
  referral_code: string | null;
  coupon: string | null;
  currency: string | null;
  gross: Int | null;
  revenue: Int | null;
  payment_id: string | null;
  body: Json;
  content_hash: string;
  /** Integration events (milestones, usage, quality) name their integration. */
  integration_id?: string | null;
  /** Campaign touches name their campaign. */
  campaign_id?: string | null;
}
export interface DirtyUnitsTable {
  unit: string;
  marked_at: Int;
}
/** Marks not yet moved into dirty_units (migration 0014): appended without a key. */
export interface DirtyMarksTable {
  unit: string;
  marked_at: Int;
}
export interface AttributionsTable {
  program_id: string;
  customer_id: string;
  partner_id: string;
  event_id: string;
  version_id: string;
  attributed_at: Int;
  reason: Json;
}
export interface ConversionsTable {
  event_id: string;
  program_id: string;
  partner_id: string;
  customer_id: string;
  type: string;
  occurred_at: Int;
  currency: string | null;
  revenue: Int;
}
export interface AccrualCandidatesTable {
  key: string;
  unit: string;
  customer_id: string;
  /** Of data and trace: a re-derivation rewrites only candidates that changed. */
  hash: string;
  data: Json;
  trace: Json;
}
export interface LedgerTransactionsTable {
  id: string;
  kind: string;
  unit: string | null;
  created_at: Int;
  memo: string | null;
}
export interface LedgerEntriesTable {
  id: Int;
  tx_id: string;
  account: string;
  currency: string;
  amount: Int;
  line_id: string | null;
  created_at: Int;
}
export interface AccrualLinesTable {
  id: string;
  tx_id: string;
  key: string;
  unit: string;
  kind: string;
  program_id: string;
  version_id: string;
  rule_id: string;
  partner_id: string;
  customer_id: string;
  event_id: string;
  amount: Int;
  currency: string;
  occurred_at: Int;
  available_at: Int;
  created_at: Int;
  trace: Json;
}
export interface HoldQueueTable {
  line_id: string;
  partner_id: string;
  program_id: string;
  amount: Int;
  currency: string;
  available_at: Int;
}
export interface ReleasesTable {
  line_id: string;
  tx_id: string;
  released_at: Int;
}

export interface PartnerTiersTable {
  program_id: string;
  partner_id: string;
  tier: string | null;
  since: Int;
  below_since: Int | null;
  evaluated_at: Int;
  version_id: string;
  metrics: Json;
}
export interface PartnerTierHistoryTable {
  id: string;
  program_id: string;
  partner_id: string;
  tier: string | null;
  previous: string | null;
  at: Int;
  reason: string;
  version_id: string;
  metrics: Json;
}
export interface ClosedPeriodsTable {
  program_id: string;
  period: string;
  closed_at: Int;
}
export interface OutboxEventsTable {
  id: string;
  type: string;
  subject: string;
  dedupe_key: string | null;
  payload: Json;
  created_at: Int;
}

export interface Schema {
  settings: SettingsTable;
  api_keys: ApiKeysTable;
  idempotency: IdempotencyTable;
  audit_log: AuditLogTable;
  programs: ProgramsTable;
  program_versions: ProgramVersionsTable;
  partners: PartnersTable;
  partner_status_history: PartnerStatusHistoryTable;
  enrollments: EnrollmentsTable;
  links: LinksTable;
  codes: CodesTable;
  clicks: ClicksTable;
  events: EventsTable;
  event_keys: EventKeysTable;
  dirty_units: DirtyUnitsTable;
  dirty_marks: DirtyMarksTable;
  attributions: AttributionsTable;
  conversions: ConversionsTable;
  accrual_candidates: AccrualCandidatesTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: Omit<LedgerEntriesTable, 'id'> & { id?: Int };
  accrual_lines: AccrualLinesTable;
  hold_queue: HoldQueueTable;
  releases: ReleasesTable;
  partner_tiers: PartnerTiersTable;
  partner_tier_history: PartnerTierHistoryTable;
  closed_periods: ClosedPeriodsTable;
  outbox_events: OutboxEventsTable;
  payout_profiles: PayoutProfilesTable;
  fx_rates: FxRatesTable;
  payout_runs: PayoutRunsTable;
  payouts: PayoutsTable;
  payout_skips: PayoutSkipsTable;
  payout_events: PayoutEventsTable;
  integrations: IntegrationsTable;
  integration_completions: IntegrationCompletionsTable;
  integration_submissions: IntegrationSubmissionsTable;
  credit_redemptions: CreditRedemptionsTable;
  integration_categories: IntegrationCategoriesTable;
  campaigns: CampaignsTable;
  campaign_partners: CampaignPartnersTable;
  campaign_status_history: CampaignStatusHistoryTable;
  campaign_reports: CampaignReportsTable;
  mdf_pools: MdfPoolsTable;
  mdf_requests: MdfRequestsTable;
  calendar_feeds: CalendarFeedsTable;
  users: UsersTable;
  sign_in_links: SignInLinksTable;
  sessions: SessionsTable;
  mail_outbox: MailOutboxTable;
  daily_stats: DailyStatsTable;
  daily_totals: DailyTotalsTable;
  account_balances: AccountBalancesTable;
  attribution_shares: AttributionSharesTable;
  kb_pages: KbPagesTable;
  kb_page_revisions: KbPageRevisionsTable;
}

export interface AttributionSharesTable {
  program_id: string;
  customer_id: string;
  partner_id: string;
  percent_bps: number;
  why: string;
}

export interface CampaignsTable {
  id: string;
  program_id: string;
  /** Normal form (upper case): what `campaign.touch` events and `utm.campaign` quote. */
  code: string;
  name: string;
  goal: string | null;
  channels: Json;
  audience: string | null;
  segment: string | null;
  starts_at: Int;
  ends_at: Int;
  assets: Json;
  expected_lift_bps: number | null;
  targets: Json;
  holdout_bps: number;
  bonuses: Json;
  currency: string;
  cost: Int;
  status: string;
  proposed_by: string;
  created_at: Int;
  updated_at: Int;
}
export interface CampaignPartnersTable {
  campaign_id: string;
  partner_id: string;
  role: string;
  added_at: Int;
}
export interface CampaignStatusHistoryTable {
  id: string;
  campaign_id: string;
  status: string;
  at: Int;
  actor: string;
  note: string | null;
}
export interface CampaignReportsTable {
  id: string;
  campaign_id: string;
  title: string;
  body: string;
  snapshot: Json;
  published_by: string;
  published_at: Int;
}
export interface MdfPoolsTable {
  id: string;
  program_id: string;
  /** `YYYY-Qn`. */
  quarter: string;
  scope: string;
  tier_id: string | null;
  partner_id: string | null;
  /** `program`, `tier:<id>` or `partner:<id>`: one pool per scope and quarter. */
  scope_key: string;
  currency: string;
  amount: Int;
  created_by: string;
  created_at: Int;
  updated_at: Int;
}
export interface MdfRequestsTable {
  id: string;
  pool_id: string;
  campaign_id: string;
  partner_id: string;
  currency: string;
  requested: Int;
  approved: Int | null;
  claimed: Int | null;
  reimbursed: Int | null;
  status: string;
  description: string;
  claim_deadline: Int | null;
  proof: Json | null;
  tx_id: string | null;
  requested_by: string;
  decided_by: string | null;
  decided_at: Int | null;
  decision_note: string | null;
  claimed_at: Int | null;
  claim_decided_by: string | null;
  claim_decided_at: Int | null;
  claim_note: string | null;
  created_at: Int;
  updated_at: Int;
}
export interface CalendarFeedsTable {
  id: string;
  /** NULL: the operator's feed. */
  partner_id: string | null;
  token_hash: string;
  created_by: string;
  created_at: Int;
  revoked_at: Int | null;
}

export interface IntegrationsTable {
  id: string;
  partner_id: string;
  program_id: string;
  name: string;
  category: string | null;
  listing_url: string | null;
  status: string;
  created_at: Int;
  updated_at: Int;
}
export interface IntegrationCompletionsTable {
  id: string;
  integration_id: string;
  milestone: string;
  completed_at: Int;
  source: string;
  /** The completing event's id, or the approved submission's id. */
  ref: string;
  created_at: Int;
}
export interface IntegrationSubmissionsTable {
  id: string;
  integration_id: string;
  milestone: string;
  evidence: Json;
  status: string;
  submitted_by: string;
  submitted_at: Int;
  reviewed_by: string | null;
  reviewed_at: Int | null;
  comment: string | null;
}
export interface IntegrationCategoriesTable {
  id: string;
  integration_id: string;
  category: string | null;
  since: Int;
}
export interface CreditRedemptionsTable {
  id: string;
  partner_id: string;
  program_id: string;
  asset: string;
  amount: Int;
  reference: string | null;
  memo: string | null;
  tx_id: string;
  actor: string;
  created_at: Int;
}

export interface PayoutProfilesTable {
  partner_id: string;
  rail: string;
  details: Json;
  currency: string | null;
  tax_form: string | null;
  tax_id_present: Bool;
  tax_country: string | null;
  created_at: Int;
  updated_at: Int;
}
export interface FxRatesTable {
  id: string;
  base: string;
  quote: string;
  /** An exact decimal, quote units per base unit. */
  rate: string;
  as_of: Int;
  source: string | null;
  created_at: Int;
}
export interface PayoutRunsTable {
  id: string;
  program_id: string;
  period: string;
  status: string;
  version_id: string;
  requires_approval: Bool;
  created_by: string;
  approved_by: string | null;
  created_at: Int;
  updated_at: Int;
  summary: Json;
}
export interface PayoutsTable {
  id: string;
  run_id: string;
  program_id: string;
  partner_id: string;
  status: string;
  rail: string;
  rail_details: Json;
  amount: Int;
  currency: string;
  sources: Json;
  claim_tx_id: string;
  reference: string | null;
  failure_reason: string | null;
  attempts: Int;
  created_at: Int;
  updated_at: Int;
}
export interface PayoutSkipsTable {
  run_id: string;
  partner_id: string;
  reason: string;
  detail: string | null;
}
export interface PayoutEventsTable {
  id: string;
  payout_id: string;
  at: Int;
  status: string;
  actor: string;
  data: Json;
}

/** Tables that form the ledger: append-only, enforced by triggers. */
export const ledgerTables = [
  'ledger_transactions',
  'ledger_entries',
  'accrual_lines',
  'releases',
] as const;

/**
 * Other history that derivation reads and that must never change: published
 * program versions and partner status history. Append-only like the ledger.
 */
export const appendOnlyTables = [
  ...ledgerTables,
  'program_versions',
  'partner_status_history',
  'partner_tier_history',
  'payout_events',
] as const;

export interface UsersTable {
  id: string;
  /** Lower-cased. */
  email: string;
  name: string;
  role: string;
  partner_id: string | null;
  /** `scrypt$N$r$p$salt$hash`, or NULL: magic links only. */
  password_hash: string | null;
  created_at: Int;
  updated_at: Int;
  disabled_at: Int | null;
  last_sign_in_at: Int | null;
}

export interface SignInLinksTable {
  token_hash: string;
  user_id: string;
  created_at: Int;
  expires_at: Int;
  used_at: Int | null;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  created_at: Int;
  expires_at: Int;
  revoked_at: Int | null;
}

export interface MailOutboxTable {
  id: string;
  to_address: string;
  subject: string;
  /** Kept only when no SMTP server is configured (the local outbox page shows it). */
  body: string | null;
  delivery: string;
  error: string | null;
  created_at: Int;
}

export interface DailyStatsTable {
  /** Days since 1970-01-01 (UTC). */
  day: Int;
  partner_id: string;
  /** clicks, bot_clicks, signups, activations, payments, refunds (currency ''), revenue, earnings. */
  metric: string;
  currency: string;
  value: Int;
}

/** daily_stats summed over all partners (migration 0013): what the operator overview reads. */
export interface DailyTotalsTable {
  day: Int;
  metric: string;
  currency: string;
  value: Int;
}
export interface AccountBalancesTable {
  account: string;
  currency: string;
  balance: Int;
}

export interface KbPagesTable {
  id: string;
  /** Unique; lowercase a-z, 0-9 and single hyphens. */
  slug: string;
  title: string;
  /** Markdown. */
  body: string;
  /** `partners` (the portal and operators) or `operators` (the internal playbook). */
  audience: string;
  position: Int;
  published: Bool;
  /** 1 when created, +1 on every save. */
  version: Int;
  created_by: string;
  created_at: Int;
  updated_by: string;
  updated_at: Int;
}

/** Every saved state of a page; append-only. */
export interface KbPageRevisionsTable {
  id: string;
  page_id: string;
  version: Int;
  slug: string;
  title: string;
  body: string;
  audience: string;
  position: Int;
  published: Bool;
  note: string | null;
  actor: string;
  at: Int;
}
