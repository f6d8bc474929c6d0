import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/*
 * Webhook signatures as the Standard Webhooks specification has them
 * (https://www.standardwebhooks.com): HMAC-SHA256 over `id.timestamp.body`,
 * computed by the `standardwebhooks` library so senders and receivers agree
 * to the byte.
 */

/** A new endpoint secret: `whsec_` and 32 random bytes in base64, shown to its owner once. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/** The headers of one delivery, signed with each secret: during a rotation's overlap both sign, space-separated. */
export function webhookHeaders(secrets: readonly string[], messageId: string, at: Date, body: string): Record<string, string> {
  const signatures = secrets.map((secret) => new Webhook(secret).sign(messageId, at, body));
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatures.join(' '),
  };
}
