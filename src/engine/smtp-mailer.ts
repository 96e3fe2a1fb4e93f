import nodemailer from 'nodemailer';
import type { Mailer } from './mail.js';

/**
 * Mail through an SMTP server: `url` like `smtp://user:pass@host:587` or
 * `smtps://…:465` (TANDEM_SMTP_URL), `from` the sender (TANDEM_MAIL_FROM).
 */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = nodemailer.createTransport(url);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
  };
}
