import nodemailer from 'nodemailer';
import type { Logger } from './logger';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

/** Sends mail; `delivered` is false when there is no mail server and the message was only logged. */
export interface Mailer {
  send(message: MailMessage): Promise<{ delivered: boolean }>;
  close(): void;
}

/**
 * Mail through SMTP (FLUXO_SMTP_URL, e.g. smtp://user:pass@mail.example.com:587)
 * with nodemailer, from FLUXO_MAIL_FROM. Without a server the message is logged
 * instead, and the caller shows it to the operator. A failed delivery throws.
 */
export function createMailer(settings: { smtpUrl: string | null; from: string }, logger: Logger): Mailer {
  if (!settings.smtpUrl) {
    return {
      send: async (message) => {
        logger.info({ mail: { to: message.to, subject: message.subject } }, 'no SMTP server configured (FLUXO_SMTP_URL): mail not sent');
        return { delivered: false };
      },
      close: () => undefined,
    };
  }
  const transport = nodemailer.createTransport(settings.smtpUrl);
  return {
    send: async (message) => {
      await transport.sendMail({ from: settings.from, to: message.to, subject: message.subject, text: message.text });
      return { delivered: true };
    },
    close: () => transport.close(),
  };
}
