/** Columns that map to a top-level field of an event (POST /v1/events) of the same name. */
const TOP_LEVEL = [
  'id',
  'type',
  'occurred_at',
  'source',
  'click_id',
  'referral_code',
  'coupon',
  'currency',
  'gross',
  'revenue',
  'payment_id',
] as const;
/** Columns that map to a field of `customer`; `customer.id` is accepted for `customer_id`. */
const CUSTOMER = ['id', 'side', 'country', 'segment'] as const;
const REQUIRED = ['id', 'type', 'occurred_at', 'customer_id'] as const;

type Target =
  | { kind: 'top'; field: string }
  | { kind: 'customer'; field: string }
  | { kind: 'customer_attribute'; name: string }
  | { kind: 'attribute'; name: string };

/** The documented column names, for help texts and error messages. */
export const CSV_COLUMN_NAMES = [
  'id',
  'type',
  'occurred_at',
  'customer_id',
  'customer_side',
  'customer_country',
  'customer_segment',
  'click_id',
  'referral_code',
  'coupon',
  'currency',
  'gross',
  'revenue',
  'payment_id',
  'source',
  'customer.attributes.NAME',
  'attributes.NAME',
] as const;

/**
 * The header row of an events CSV, understood: which event field each column
 * fills. Built once per file and then applied to every row, so a typo in a
 * column name stops the import before anything is sent instead of silently
 * dropping a field from every event.
 */
export class CsvColumns {
  private constructor(private readonly targets: Target[]) {}

  /** Reads a header row, or lists every problem with it (unknown, repeated or missing columns). */
  static fromHeader(
    header: readonly string[],
  ): { ok: true; columns: CsvColumns } | { ok: false; problems: string[] } {
    const problems: string[] = [];
    const targets: Target[] = [];
    const seen = new Set<string>();
    header.forEach((raw, i) => {
      const name = raw.trim();
      const target = targetOf(name);
      if (!target) {
        problems.push(
          name
            ? `column ${i + 1} "${name}" is not an event field (columns: ${CSV_COLUMN_NAMES.join(', ')})`
            : `column ${i + 1} has no name`,
        );
        return;
      }
      const key = keyOf(target);
      if (seen.has(key)) problems.push(`column ${i + 1} "${name}" repeats an earlier column`);
      seen.add(key);
      targets.push(target);
    });
    for (const required of REQUIRED) {
      const key = required === 'customer_id' ? 'customer.id' : required;
      if (!seen.has(key)) problems.push(`the header has no "${required}" column`);
    }
    return problems.length
      ? { ok: false, problems }
      : { ok: true, columns: new CsvColumns(targets) };
  }

  get count(): number {
    return this.targets.length;
  }

  /**
   * One row as an event object for the API. Empty cells are absent fields;
   * values stay text (amounts are decimal strings; conditions compare
   * numeric text as numbers).
   */
  toEvent(fields: readonly string[]): Record<string, unknown> {
    const event: Record<string, unknown> = {};
    const customer: Record<string, unknown> = {};
    let customerAttributes: Record<string, string> | undefined;
    let attributes: Record<string, string> | undefined;
    this.targets.forEach((t, i) => {
      const value = fields[i];
      if (value === undefined || value === '') return;
      switch (t.kind) {
        case 'top':
          event[t.field] = value;
          break;
        case 'customer':
          customer[t.field] = value;
          break;
        case 'customer_attribute':
          customerAttributes ??= {};
          customerAttributes[t.name] = value;
          break;
        case 'attribute':
          attributes ??= {};
          attributes[t.name] = value;
          break;
      }
    });
    if (customerAttributes) customer.attributes = customerAttributes;
    event.customer = customer;
    if (attributes) event.attributes = attributes;
    return event;
  }
}

function targetOf(name: string): Target | undefined {
  const lower = name.toLowerCase();
  if ((TOP_LEVEL as readonly string[]).includes(lower)) return { kind: 'top', field: lower };
  const customer = /^customer[._](id|side|country|segment)$/.exec(lower);
  if (customer && (CUSTOMER as readonly string[]).includes(customer[1] as string))
    return { kind: 'customer', field: customer[1] as string };
  const customerAttr = /^customer\.attributes\.(.+)$/i.exec(name);
  if (customerAttr) return { kind: 'customer_attribute', name: customerAttr[1] as string };
  const attr = /^attributes\.(.+)$/i.exec(name);
  if (attr) return { kind: 'attribute', name: attr[1] as string };
  return undefined;
}

function keyOf(t: Target): string {
  switch (t.kind) {
    case 'top':
      return t.field;
    case 'customer':
      return `customer.${t.field}`;
    case 'customer_attribute':
      return `customer.attributes.${t.name}`;
    case 'attribute':
      return `attributes.${t.name}`;
  }
}
