import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { FLUXO_VERSION } from '../../platform/version';

// One version, package.json's, wherever Fluxo reports it (the gateway's /health
// and header are held by tests/e2e/operational-routes.test.ts).

const root = path.resolve(__dirname, '..', '..');
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

it("is package.json's version", () => {
  expect(version).toMatch(/^\d+\.\d+\.\d+$/);
  expect(FLUXO_VERSION).toBe(version);
});

it('is what `fluxo --version` prints', async () => {
  const printed = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['--import', 'tsx', 'cli/main.ts', '--version'], { cwd: root }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );
  expect(printed.trim()).toBe(version);
});
