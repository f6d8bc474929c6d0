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
import {
  ACCEPTED_BREAKING_FILE,
  loadAccepted,
  loadCurrent,
  publishedBreakages,
  PUBLISHED_DIR,
  RELEASED_SCHEMAS_DIR,
  schemaBreakages,
} from './published-operations';

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
  const accepted = loadAccepted();
  const unmarked = schemaBreakages(schema, accepted);
  if (unmarked.length > 0)
    fail(`breaking changes not accepted in schema/accepted-breaking-changes.json:\n${unmarked.map((c) => `  ${c.description}`).join('\n')}`);

  const previous = git('tag', '--list', 'v*', '--sort=-version:refname').split('\n').filter(Boolean)[0];
  const subjects = git('log', '--no-merges', '--format=- %s', ...(previous ? [`${previous}..HEAD`] : [])) || '- (no changes)';
  const changelog = path.join(root, 'CHANGELOG.md');
  const before = fs.existsSync(changelog) ? fs.readFileSync(changelog, 'utf8').replace(/^# Changelog\n+/, '') : '';
  const breaking = accepted.length > 0 ? `\n\nBreaking changes made on purpose:\n\n${accepted.map((a) => `- ${a.description} (${a.reason})`).join('\n')}` : '';
  fs.writeFileSync(changelog, `# Changelog\n\n## ${tag} — ${new Date().toISOString().slice(0, 10)}\n\n${subjects}${breaking}\n\n${before}`.trimEnd() + '\n');

  const pkgFile = path.join(root, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8')) as { version: string };
  pkg.version = version;
  fs.writeFileSync(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
  fs.writeFileSync(path.join(PUBLISHED_DIR, `${tag}.json`), `${JSON.stringify(publishedManifest(), null, 2)}\n`);
  // The next release is judged against this one's schema; the breaks accepted for this one are spent.
  fs.mkdirSync(RELEASED_SCHEMAS_DIR, { recursive: true });
  fs.copyFileSync(path.join(root, 'schema', 'api-schema.graphql'), path.join(RELEASED_SCHEMAS_DIR, `${tag}.graphql`));
  fs.writeFileSync(ACCEPTED_BREAKING_FILE, '[]\n');

  git(
    'add',
    'CHANGELOG.md',
    'package.json',
    path.join('operations', 'published', `${tag}.json`),
    path.join('schema', 'releases', `${tag}.graphql`),
    ACCEPTED_BREAKING_FILE,
  );
  git('commit', '-m', `Release ${tag}`);
  git('tag', '-a', tag, '-m', `Fluxo ${tag}`);
  console.log(`released ${tag}: push it with git push --follow-tags`);
}

main(process.argv[2]);
