import { Badge, type Tone } from '../../ui/badge';
import { humanize } from '../../ui/format';

const tones: Record<string, Tone> = {
  claiming: 'info',
  pending: 'warn',
  approved: 'info',
  sending: 'info',
  sent: 'info',
  settled: 'ok',
  failed: 'danger',
  canceled: 'neutral',
};

const words: Record<string, string> = {
  pending: 'Waiting for approval',
};

/** A payout's or a run's state in words and colour. */
export function PayoutStatusBadge({ status }: { status: string }) {
  return <Badge tone={tones[status] ?? 'neutral'}>{words[status] ?? humanize(status)}</Badge>;
}

const rails: Record<string, string> = {
  stripe: 'Stripe',
  paypal: 'PayPal',
  wise: 'Wise',
  csv: 'CSV file',
  manual: 'Manual',
};

/** A payout rail's name as its provider writes it. */
export function railLabel(rail: string): string {
  return rails[rail] ?? humanize(rail);
}
