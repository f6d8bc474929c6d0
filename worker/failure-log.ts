import type { Logger } from '../platform/logger';

/** The lines a RepeatedFailureLog writes. */
export interface FailureMessages {
  /** The first failure of a subject, or the first with a new cause (error level). */
  failed: string;
  /** The same failure still happening, with its count (error level, every repeatMillis). */
  still: string;
  /** The subject works again, with how many failures were folded (info level). */
  recovered: string;
}

interface Condition {
  cause: string;
  failures: number;
  since: number;
  lastLogged: number;
}

/**
 * What makes two failures the same condition: the PostgreSQL error code and the
 * message with its numbers blanked (ids, pids, counts differ between ticks).
 */
export function causeOf(error: unknown): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const message = error instanceof Error ? error.message : String(error);
  return `${code}:${message.replace(/\d+/g, '#')}`.slice(0, 300);
}

/**
 * One warning per condition. A task that runs every tick (a tenant's outbox
 * drain) and fails the same way every time would otherwise write a line per
 * tick: here the first failure is logged, repeats only count, the count is
 * logged again every `repeatMillis` while it lasts, and once when the subject
 * recovers. A failure with another cause is a new condition, logged at once.
 */
export class RepeatedFailureLog {
  private readonly open = new Map<string, Condition>();

  constructor(
    private readonly logger: Logger,
    private readonly messages: FailureMessages,
    private readonly repeatMillis: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Subjects failing right now. */
  subjects(): string[] {
    return [...this.open.keys()];
  }

  failed(subject: string, error: unknown, fields: Record<string, unknown> = {}): void {
    const now = this.now();
    const cause = causeOf(error);
    const known = this.open.get(subject);
    if (known && known.cause === cause) {
      known.failures += 1;
      if (now - known.lastLogged < this.repeatMillis) return;
      known.lastLogged = now;
      this.logger.error({ ...fields, err: error, failures: known.failures, failingForMillis: now - known.since }, this.messages.still);
      return;
    }
    const before = known ? { previousFailures: known.failures } : {};
    this.open.set(subject, { cause, failures: 1, since: now, lastLogged: now });
    this.logger.error({ ...fields, ...before, err: error }, this.messages.failed);
  }

  succeeded(subject: string, fields: Record<string, unknown> = {}): void {
    const known = this.open.get(subject);
    if (!known) return;
    this.open.delete(subject);
    this.logger.info({ ...fields, failures: known.failures, failingForMillis: this.now() - known.since }, this.messages.recovered);
  }

  /** The subject is gone (a tenant no longer served): its condition ends without a line. */
  forget(subject: string): void {
    this.open.delete(subject);
  }
}
