import { once } from 'node:events';
import fs from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import zlib from 'node:zlib';
import { z } from 'zod';
import { BackupError } from './backup-error';

/**
 * Fluxo's own backup archive: one gzip stream of
 *
 *   FLUXO-BACKUP\n
 *   <header as one JSON line>\n
 *   per table, in the header's order: {"table":"schema.name"}\n, then frames of
 *     COPY text data, each a 4-byte big-endian length and that many bytes; a
 *     frame of length 0 ends the table
 *   FLUXO-BACKUP-END\n
 *
 * gzip's checksum catches a damaged file, the end line a truncated one, and the
 * header's row counts a table that lost rows.
 */

const MAGIC = 'FLUXO-BACKUP';
const END = 'FLUXO-BACKUP-END';
export const ARCHIVE_VERSION = 1;
/** A frame never carries more than this; a longer length can only be damage. */
const MAX_FRAME = 64 * 1024 * 1024;

const headerSchema = z.object({
  format: z.literal('fluxo-backup'),
  version: z.literal(ARCHIVE_VERSION),
  kind: z.enum(['tenant', 'control-plane']),
  database: z.string(),
  serverVersion: z.string(),
  serverMajor: z.number().int(),
  createdAt: z.string(),
  /** Applied migration names of each migration table, by the schema that holds it. */
  migrations: z.record(z.array(z.string())),
  /** Every table whose rows are in the archive, parents before the tables that reference them. */
  tables: z.array(z.object({ schema: z.string(), name: z.string(), columns: z.array(z.string()), rows: z.number().int().nonnegative() })),
  /** Each sequence's last value; null when it was never used. */
  sequences: z.array(z.object({ schema: z.string(), name: z.string(), lastValue: z.string().nullable() })),
  /** Relations of the application schemas whose rows are not in the archive, and why. */
  excluded: z.array(z.object({ relation: z.string(), reason: z.string() })),
});

export type ArchiveHeader = z.infer<typeof headerSchema>;
export type ArchiveTable = ArchiveHeader['tables'][number];
export type DatabaseKind = ArchiveHeader['kind'];

export const qualifiedName = (t: { schema: string; name: string }) => `${t.schema}.${t.name}`;

/** Writes an archive to `file` through a gzip stream; `finish` resolves once it is on disk. */
export class ArchiveWriter {
  private readonly gzip = zlib.createGzip();
  private readonly file: fs.WriteStream;
  private readonly written: Promise<void>;

  constructor(path: string) {
    this.file = fs.createWriteStream(path);
    this.gzip.pipe(this.file);
    this.written = new Promise((resolve, reject) => {
      this.file.on('finish', resolve).on('error', reject);
      this.gzip.on('error', reject);
    });
    // Failures surface through write() or finish(); this keeps an early one from going unhandled.
    this.written.catch(() => undefined);
  }

  async header(header: ArchiveHeader): Promise<void> {
    await this.put(`${MAGIC}\n${JSON.stringify(header)}\n`);
  }

  /** One table's COPY output, framed as it streams. */
  async table(table: ArchiveTable, data: AsyncIterable<Buffer>): Promise<void> {
    await this.put(`${JSON.stringify({ table: qualifiedName(table) })}\n`);
    for await (const chunk of data) {
      if (chunk.length === 0) continue;
      await this.put(lengthOf(chunk.length));
      await this.put(chunk);
    }
    await this.put(lengthOf(0));
  }

  async finish(): Promise<void> {
    await this.put(`${END}\n`);
    this.gzip.end();
    await this.written;
  }

  abort(): void {
    this.gzip.destroy();
    this.file.destroy();
  }

  private async put(data: string | Buffer): Promise<void> {
    if (!this.gzip.write(data)) await Promise.race([once(this.gzip, 'drain'), this.written]);
  }
}

function lengthOf(n: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(n);
  return buffer;
}

/** A refusal of an archive that cannot be what `fluxo db backup` wrote. */
export function damaged(file: string, why: string): BackupError {
  return new BackupError(`${file} is not a complete Fluxo backup (${why}); nothing was changed`);
}

/**
 * Reads an archive front to back: the header, then each table's data handed to
 * `onTable` as a stream of COPY text chunks (which `onTable` must read to the
 * end). Damage anywhere, gzip's included, is a BackupError naming the file.
 */
export async function readArchive(file: string, onTable: (table: ArchiveTable, data: AsyncIterable<Buffer>) => Promise<void>): Promise<ArchiveHeader> {
  const reader = new ByteReader(fs.createReadStream(file).pipe(zlib.createGunzip()));
  try {
    if ((await reader.line(MAGIC.length + 1)) !== MAGIC) throw damaged(file, 'it does not start as one');
    const parsed = headerSchema.safeParse(parseJson(file, await reader.line()));
    if (!parsed.success) throw damaged(file, `its header is not one this build reads: ${parsed.error.issues[0]?.message ?? ''}`);
    const header = parsed.data;
    for (const table of header.tables) {
      const opening = parseJson(file, await reader.line()) as { table?: unknown };
      if (opening.table !== qualifiedName(table)) throw damaged(file, `expected the rows of ${qualifiedName(table)}`);
      await onTable(table, reader.frames(file));
    }
    if ((await reader.line(END.length + 1)) !== END || !(await reader.atEnd())) throw damaged(file, 'it does not end where the archive ends');
    return header;
  } catch (error) {
    if (error instanceof BackupError) throw error;
    // zlib's own words: "unexpected end of file", "incorrect header check", …
    throw damaged(file, error instanceof Error ? error.message : String(error));
  } finally {
    reader.close();
  }
}

/**
 * Walks the whole archive without a database: the file is readable to its end
 * and every table has the rows its header counts (COPY text ends each row with a
 * newline and escapes the ones inside values). Returns the header.
 */
export async function verifyArchive(file: string): Promise<ArchiveHeader> {
  return readArchive(file, async (table, data) => {
    let rows = 0;
    for await (const chunk of data) {
      for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows += 1;
    }
    if (rows !== table.rows) throw damaged(file, `${qualifiedName(table)} has ${rows} rows where the header counts ${table.rows}`);
  });
}

function parseJson(file: string, line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    throw damaged(file, 'a header line is not JSON');
  }
}

/** Lines and length-prefixed frames out of a byte stream. */
class ByteReader {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly chunks: AsyncIterator<Buffer>;

  constructor(private readonly stream: Readable) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async line(max = MAX_FRAME): Promise<string> {
    for (;;) {
      const end = this.buffer.indexOf(10);
      if (end !== -1) return this.take(end + 1).toString('utf8', 0, end);
      if (this.buffer.length > max || !(await this.pull())) throw new Error('a line runs past its end');
    }
  }

  async *frames(file: string): AsyncGenerator<Buffer> {
    for (;;) {
      const length = (await this.bytes(4)).readUInt32BE(0);
      if (length === 0) return;
      if (length > MAX_FRAME) throw damaged(file, `a frame claims ${length} bytes`);
      yield await this.bytes(length);
    }
  }

  async atEnd(): Promise<boolean> {
    return this.buffer.length === 0 && !(await this.pull());
  }

  close(): void {
    this.stream.destroy();
  }

  private async bytes(n: number): Promise<Buffer> {
    while (this.buffer.length < n) if (!(await this.pull())) throw new Error('it ends in the middle of a table');
    return this.take(n);
  }

  private take(n: number): Buffer {
    const out = this.buffer.subarray(0, n);
    this.buffer = this.buffer.subarray(n);
    return out;
  }

  private async pull(): Promise<boolean> {
    const next = await this.chunks.next();
    if (next.done) return false;
    this.buffer = this.buffer.length === 0 ? next.value : Buffer.concat([this.buffer, next.value]);
    return true;
  }
}

/** Writes `data` into a COPY FROM stream, waiting when it is full. */
export async function feed(target: Writable, data: AsyncIterable<Buffer>): Promise<void> {
  for await (const chunk of data) if (!target.write(chunk)) await once(target, 'drain');
}
