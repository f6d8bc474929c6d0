import type { NextFunction, Request, Response } from 'express';

/**
 * A gateway's way out of a rolling restart. Stopping begins with a drain:
 * /ready answers 503 so the load balancer sends new requests elsewhere, and
 * every response carries `Connection: close` so no client keeps a connection
 * the gateway is about to end. For the grace period (FLUXO_DRAIN_GRACE_MS) the
 * gateway still accepts and answers, which covers the load balancer's time to
 * notice; then it stops listening and answers what is in flight.
 */
export class Drain {
  private startedAt: number | null = null;

  get draining(): boolean {
    return this.startedAt !== null;
  }

  /** Marks the gateway as leaving, then waits out the grace period. */
  async begin(graceMillis: number): Promise<void> {
    this.startedAt ??= Date.now();
    const left = this.startedAt + graceMillis - Date.now();
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  }

  /** Express middleware: while draining, each response ends its connection. */
  readonly closeConnections = (_req: Request, res: Response, next: NextFunction): void => {
    if (this.draining) res.setHeader('Connection', 'close');
    next();
  };
}
