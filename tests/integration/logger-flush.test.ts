import { spawn } from 'node:child_process';
import path from 'node:path';

// Log lines are written asynchronously in batches (platform/logger.ts); a
// process that stops — on SIGTERM, as every service does, or by process.exit —
// must still write every line it logged before it goes.

const root = path.resolve(__dirname, '..', '..');
const LINES = 3000;

/** Runs a process that logs LINES lines with the product's logger, then ends as `ending` says; returns its stdout. */
function logThenEnd(ending: 'SIGTERM' | 'exit'): Promise<{ stdout: string; code: number | null }> {
  const script = `
    const { createLogger } = require('./platform/logger');
    const logger = createLogger('flush-test', 'info');
    process.on('SIGTERM', () => process.exit(0)); // as runService does once its servers have stopped
    for (let i = 0; i < ${LINES}; i += 1) logger.info({ i, padding: 'x'.repeat(40) }, 'operation served');
    if (${JSON.stringify(ending)} === 'exit') process.exit(0);
    process.stderr.write('logged\\n');
    setInterval(() => {}, 60000);
  `;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('logged')) child.kill('SIGTERM');
  });
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the logging process did not end within 30 s'));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(deadline);
      resolve({ stdout, code });
    });
  });
}

function loggedNumbers(stdout: string): number[] {
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => (JSON.parse(line) as { i: number }).i);
}

describe('asynchronous log lines', () => {
  it.each(['SIGTERM', 'exit'] as const)('are all written, whole and in order, when the process ends by %s', async (ending) => {
    const { stdout, code } = await logThenEnd(ending);
    expect(code).toBe(0);
    expect(loggedNumbers(stdout)).toEqual(Array.from({ length: LINES }, (_, i) => i));
  });
});
