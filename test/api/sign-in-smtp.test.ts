import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../src/engine/api-keys.js';
import { smtpMailer } from '../../src/engine/smtp-mailer.js';
import { buildServer } from '../../src/server/build-server.js';
import { expectProblem } from '../support/expect-problem.js';
import { fakeSmtp } from '../support/fake-smtp.js';
import { apiClient } from '../support/test-server.js';
import { backend, type TestTandem, testTandem } from '../support/test-tandem.js';

let smtp: Awaited<ReturnType<typeof fakeSmtp>>;
let t: TestTandem;
let app: Awaited<ReturnType<typeof buildServer>>;
let admin: ReturnType<typeof apiClient>;
beforeAll(async () => {
  smtp = await fakeSmtp();
  t = await testTandem();
  const mailer = smtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'Tandem <tandem@market.example>');
  app = await buildServer({ ...t, mailer }, { publicUrl: 'https://partners.market.example' });
  const { key } = await createApiKey(t, { name: 'admin', scopes: ['admin'] });
  admin = apiClient({ app, adminKey: key });
});
afterAll(async () => {
  await app.close();
  await t.close();
  await smtp.close();
});

describe(`sign-in links over SMTP (${backend})`, () => {
  it('sends the link through the SMTP server, keeps no body, and hides the outbox page', async () => {
    const r = await admin('POST', '/v1/users', {
      email: 'ops@market.example',
      name: 'Ops',
      role: 'analyst',
    });
    expect(r.statusCode, r.body).toBe(201);
    const ask = await apiClient({ app, adminKey: '' }, null)('POST', '/v1/auth/magic-link', {
      email: 'ops@market.example',
    });
    expect(ask.statusCode).toBe(202);
    await expect.poll(() => smtp.mails.length).toBe(1);
    const mail = smtp.mails[0] as (typeof smtp.mails)[number];
    expect(mail.from).toContain('tandem@market.example');
    expect(mail.to.join()).toContain('ops@market.example');
    // The link points at the public URL; quoted-printable may wrap it, so unfold first.
    const text = mail.data.replace(/=\r\n/g, '').replace(/=3D/g, '=');
    const token = text.match(
      /https:\/\/partners\.market\.example\/sign-in\/verify\?token=([\w-]+)/,
    )?.[1];
    expect(token).toBeTruthy();
    const session = await apiClient({ app, adminKey: '' }, null)('POST', '/v1/auth/sessions', {
      token,
    });
    expect(session.statusCode, session.body).toBe(200);

    const kept = await t.store.db.selectFrom('mail_outbox').selectAll().execute();
    expect(kept).toMatchObject([
      { to_address: 'ops@market.example', delivery: 'smtp', body: null },
    ]);
    expectProblem(await app.inject({ method: 'GET', url: '/outbox' }), 404, 'not_found');
  });
});
