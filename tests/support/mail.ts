import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  to: string;
  subject: string;
  text: string;
}

export interface MailCatcher {
  /** smtp:// URL of the server, for FLUXO_SMTP_URL. */
  url: string;
  inbox: CaughtMail[];
  /** The next mail to arrive (or the first not yet taken), without polling. */
  next: () => Promise<CaughtMail>;
  close: () => Promise<void>;
}

/** A real SMTP server on a free port that keeps every message it receives, parsed. */
export async function startMailCatcher(): Promise<MailCatcher> {
  const inbox: CaughtMail[] = [];
  let taken = 0;
  const waiting: Array<(mail: CaughtMail) => void> = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail = { to: parsed.to && !Array.isArray(parsed.to) ? parsed.to.text : '', subject: parsed.subject ?? '', text: parsed.text ?? '' };
          inbox.push(mail);
          const waiter = waiting.shift();
          if (waiter) {
            taken += 1;
            waiter(mail);
          }
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as { port: number };
  let closed = false;
  return {
    url: `smtp://127.0.0.1:${port}`,
    inbox,
    next: () => (taken < inbox.length ? Promise.resolve(inbox[taken++]!) : new Promise((resolve) => waiting.push(resolve))),
    close: () =>
      closed
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            closed = true;
            server.close(() => resolve());
          }),
  };
}
