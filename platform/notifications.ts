import type pg from 'pg';

/**
 * Connects a client and LISTENs on `channel`; if either fails the client is
 * ended before the error is thrown, so a failed attempt never leaves a session
 * behind. The channel is one of our own constants, never client input.
 */
export async function listenOn(client: pg.Client, channel: string): Promise<void> {
  try {
    await client.connect();
    await client.query(`LISTEN ${channel}`);
  } catch (error) {
    await client.end().catch(() => undefined);
    throw error;
  }
}
