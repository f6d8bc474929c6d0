import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstClosedFolder, leftoverPostgresPid } from '../../platform/embedded-postgres';
import { describeThrown, reportFatal } from '../../platform/process';
import { DEFAULT_BACKOFF, restartDelay } from '../../app/supervisor';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fluxo-start-faults-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const writePidFile = (pid: number, dataDir = dir) => fs.writeFileSync(path.join(dir, 'postmaster.pid'), `${pid}\n${dataDir}\n1700000000\n5499\n`);

describe('a postmaster.pid left by a crash', () => {
  it('is removed when its pid is dead', () => {
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writePidFile(dead);
    expect(leftoverPostgresPid(dir)).toBeNull();
    expect(fs.existsSync(path.join(dir, 'postmaster.pid'))).toBe(false);
  });

  it('is removed when its pid now belongs to another program', () => {
    writePidFile(process.pid);
    expect(leftoverPostgresPid(dir)).toBeNull();
    expect(fs.existsSync(path.join(dir, 'postmaster.pid'))).toBe(false);
  });

  it('is nothing to do when there is none', () => {
    expect(leftoverPostgresPid(dir)).toBeNull();
  });
});

describe('a data dir the postgres system user cannot reach', () => {
  const stranger = { uid: 65_534, gid: 65_534 };

  it('names the first folder closed to that user, e.g. one made by mktemp -d (mode 0700)', () => {
    fs.chmodSync(dir, 0o700);
    expect(firstClosedFolder(path.join(dir, '.data', 'postgres'), stranger)).toBe(dir);
  });

  it('is nothing when every folder on the way may be entered', () => {
    fs.chmodSync(dir, 0o755);
    expect(firstClosedFolder(path.join(dir, '.data', 'postgres'), stranger)).toBeNull();
  });

  it("uses the owner's permission for the owner", () => {
    fs.chmodSync(dir, 0o700);
    const owner = fs.statSync(dir);
    expect(firstClosedFolder(dir, { uid: owner.uid, gid: owner.gid })).toBeNull();
  });
});

describe('a thrown value without a message', () => {
  it.each([undefined, null, '', new Error('')])('is described in words, never "undefined" (%p)', (value) => {
    const text = describeThrown(value, false);
    expect(text).not.toMatch(/^(undefined|null|)$/);
    expect(text.length).toBeGreaterThan(10);
  });

  it('keeps a bare string rejection as it is', () => {
    expect(describeThrown('Postgres init script exited with code 1')).toBe('Postgres init script exited with code 1');
  });

  it('is printed by reportFatal with the service name', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      reportFatal('fluxo', undefined);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toMatch(/^fluxo: failed without an error/);
  });
});

describe('restart backoff', () => {
  it('doubles from the first delay and stops at the cap', () => {
    const delays = [0, 1, 2, 3, 20, 200].map((n) => restartDelay(n, DEFAULT_BACKOFF));
    expect(delays).toEqual([250, 500, 1_000, 2_000, 30_000, 30_000]);
  });
});
