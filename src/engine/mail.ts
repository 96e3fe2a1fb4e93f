import { toIso } from '../core/time.js';
import { toNumber } from '../store/values.js';
import type { Deps } from './deps.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

/** The port to an SMTP server (src/engine/smtp-mailer.ts); absent: mail stays in the local outbox. */
export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/**
 * Sends a mail through the configured SMTP server, or, with none, keeps it
 * in the local outbox (the `/outbox` page and the log) so an installation
 * without mail still lets people sign in. A failed SMTP delivery is
 * recorded and logged, not thrown: the caller answers the same either way.
 */
export async function sendMail(deps: Deps, mail: Mail): Promise<void> {
  const id = deps.ids.next('mail');
  const row = { id, to_address: mail.to, subject: mail.subject, created_at: deps.clock.now() };
  if (!deps.mailer) {
    await deps.store.db
      .insertInto('mail_outbox')
      .values({ ...row, body: mail.text, delivery: 'outbox', error: null })
      .execute();
    deps.log.info(
      { to: mail.to, subject: mail.subject, mail: id, text: mail.text },
      'mail kept in the local outbox (no SMTP server configured)',
    );
    return;
  }
  let error: string | null = null;
  try {
    await deps.mailer.send(mail);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
    deps.log.error({ to: mail.to, subject: mail.subject, error }, 'mail delivery failed');
  }
  await deps.store.db
    .insertInto('mail_outbox')
    .values({ ...row, body: null, delivery: error ? 'failed' : 'smtp', error })
    .execute();
}

export interface OutboxMail {
  id: string;
  to: string;
  subject: string;
  text: string;
  created_at: string;
}

/** The local outbox: the latest mails kept because no SMTP server is configured. */
export async function readOutbox(deps: Deps, limit = 50): Promise<OutboxMail[]> {
  const rows = await deps.store.db
    .selectFrom('mail_outbox')
    .select(['id', 'to_address', 'subject', 'body', 'created_at'])
    .where('delivery', '=', 'outbox')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    to: r.to_address,
    subject: r.subject,
    text: r.body ?? '',
    created_at: toIso(toNumber(r.created_at)),
  }));
}
