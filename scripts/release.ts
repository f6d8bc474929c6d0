/**
 * `npm run release -- <version>`: cuts a release from a clean main. It checks
 * that no published operation breaks, sets the version in package.json,
 * writes the changes since the last release (commit subjects) at the top of
 * CHANGELOG.md, keeps today's partner operations (the manifest without the
 * web app's) as operations/published/v<version>.json
 * (from then on CI holds every later change to it), commits and tags
 * v<version>. Pushing the commit and the tag is left to the person releasing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { publishedManifest } from './persisted-manifest';
import { loadCurrent, publishedBreakages, PUBLISHED_DIR } from './published-operations';

const root = path.resolve(__dirname, '..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

function main(version: string | undefined): void {
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) fail('usage: npm run release -- <major.minor.patch>');
  if (git('status', '--porcelain')) fail('the working tree has changes: commit or stash them first');
  const tag = `v${version}`;
  if (git('tag', '--list', tag)) fail(`${tag} exists already`);
  const { schema, manifest } = loadCurrent();
  const breakages = publishedBreakages(schema, manifest);
  if (breakages.length > 0) fail(`published operations would break:\n${breakages.map((b) => `  ${b.release} ${b.operation}: ${b.problem}`).join('\n')}`);

  const previous = git('tag', '--list', 'v*', '--sort=-version:refname').split('\n').filter(Boolean)[0];
  const subjects = git('log', '--no-merges', '--format=- %s', ...(previous ? [`${previous}..HEAD`] : [])) || '- (no changes)';
  const changelog = path.join(root, 'CHANGELOG.md');
  const before = fs.existsSync(changelog) ? fs.readFileSync(changelog, 'utf8').replace(/^# Changelog\n+/, '') : '';
  fs.writeFileSync(changelog, `# Changelog\n\n## ${tag} — ${new Date().toISOString().slice(0, 10)}\n\n${subjects}\n\n${before}`.trimEnd() + '\n');

  const pkgFile = path.join(root, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string };
  pkg.version = version;
  fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  fs.writeFileSync(path.join(PUBLISHED_DIR, `${tag}.json`), `${JSON.stringify(publishedManifest(), null, 2)}\n`);

  git('add', 'CHANGELOG.md', 'package.json', path.join('operations', 'published', `${tag}.json`));
  git('commit', '-m', `Release ${tag}`);
  git('tag', '-a', tag, '-m', `Fluxo ${tag}`);
  console.log(`released ${tag}: push it with git push --follow-tags`);
}

main(process.argv[2]);
