import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { BIN, fixture, ROOT, runCli } from '../helpers/cli.js';
import { git, gitAsync, tempRepo } from '../helpers/git.js';

const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The first fenced code block under a README heading. */
function readmeSnippet(heading: string): string {
  const section = readme.split(`\n${heading}\n`)[1];
  const block = section?.match(/```\w*\n([\s\S]*?)```/)?.[1];
  if (block === undefined) throw new Error(`no code block under '${heading}' in README.md`);
  return block;
}

/** Every file under `dir` (.git included), with its mode and content. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dir, entry);
    const stat = lstatSync(file);
    files.set(entry, stat.isDirectory() ? `dir ${stat.mode}` : `${stat.mode} ${readFileSync(file, 'base64')}`);
  }
  return files;
}

const NOTHING_WRITTEN = 'Nothing was written (depguard hook install --force installs the plain git hook anyway).\n';

describe('depguard hook install with husky or lefthook', () => {
  it('prints the husky line from the README and writes nothing', async () => {
    const repo = tempRepo();
    mkdirSync(path.join(repo, '.husky'));
    writeFileSync(path.join(repo, '.husky', 'pre-commit'), 'npm test\n');
    const before = snapshot(repo);
    const r = await runCli(['hook', 'install'], { cwd: repo });
    expect(r).toEqual({
      code: 0,
      stdout: `husky manages this repository's git hooks: add this to .husky/pre-commit\n\n${readmeSnippet('### husky')}\n${NOTHING_WRITTEN}`,
      stderr: '',
    });
    expect(snapshot(repo)).toEqual(before);
  });

  it('recognises husky by core.hooksPath alone', async () => {
    const repo = tempRepo();
    git(repo, 'config', 'core.hooksPath', '.husky/_');
    const before = snapshot(repo);
    const r = await runCli(['hook', 'install'], { cwd: repo });
    expect(r.stdout).toMatch(/^husky manages this repository's git hooks/);
    expect(snapshot(repo)).toEqual(before);
  });

  it('prints the lefthook snippet from the README, with the arguments given after --, and writes nothing', async () => {
    const repo = tempRepo();
    writeFileSync(path.join(repo, 'lefthook.yml'), 'pre-push:\n  commands: {}\n');
    const before = snapshot(repo);
    const r = await runCli(['hook', 'install'], { cwd: repo });
    expect(r).toEqual({
      code: 0,
      stdout: `lefthook manages this repository's git hooks: add this to lefthook.yml\n\n${readmeSnippet('### lefthook')}\n${NOTHING_WRITTEN}`,
      stderr: '',
    });
    const withArgs = await runCli(['hook', 'install', '--', '--fail-on', 'critical'], { cwd: repo });
    expect(withArgs.stdout).toContain('      run: npx --no-install depguard diff --staged --fail-on critical\n');
    expect(snapshot(repo)).toEqual(before);
  });

  it('names the lefthook file that is there, and prints both snippets when both managers are', async () => {
    const repo = tempRepo();
    mkdirSync(path.join(repo, '.husky'));
    writeFileSync(path.join(repo, '.lefthook.yml'), '');
    const r = await runCli(['hook', 'install'], { cwd: repo });
    expect(r.stdout.match(/^\w+ manages this repository's git hooks: add this to .*$/gm)).toEqual([
      "husky manages this repository's git hooks: add this to .husky/pre-commit",
      "lefthook manages this repository's git hooks: add this to .lefthook.yml",
    ]);
  });

  it('installs the plain git hook anyway with --force', async () => {
    const repo = tempRepo();
    mkdirSync(path.join(repo, '.husky'));
    const r = await runCli(['hook', 'install', '--force'], { cwd: repo });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^Wrote ${repo}/\\.git/hooks/pre-commit:\n`));
    expect(existsSync(path.join(repo, '.git', 'hooks', 'pre-commit'))).toBe(true);
  });
});

describe("the README's husky line in a real commit", () => {
  let registry: Registry;
  beforeAll(async () => {
    registry = await startRegistry(fixture('event-stream', 'registry'));
  });
  afterAll(() => registry.close());

  it('blocks the event-stream change and lets other commits through', async () => {
    const repo = tempRepo();
    copyFileSync(fixture('event-stream', 'base', 'package-lock.json'), path.join(repo, 'package-lock.json'));
    copyFileSync(fixture('event-stream', 'base', 'package.json'), path.join(repo, 'package.json'));
    writeFileSync(path.join(repo, '.npmrc'), `registry=${registry.url}\n`);
    mkdirSync(path.join(repo, '.husky'));
    writeFileSync(path.join(repo, '.husky', 'pre-commit'), readmeSnippet('### husky'));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    // husky runs .husky/pre-commit with sh -e; `npx --no-install` runs this checkout's depguard
    writeFileSync(path.join(repo, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexec sh -e .husky/pre-commit\n');
    chmodSync(path.join(repo, '.git', 'hooks', 'pre-commit'), 0o755);
    const tools = mkdtempSync(path.join(os.tmpdir(), 'depguard-tools-'));
    const calls = path.join(tools, 'calls');
    writeFileSync(
      path.join(tools, 'npx'),
      `#!/bin/sh\n[ "$1 $2" = '--no-install depguard' ] || exit 99\nshift 2\necho npx >> '${calls}'\nexec '${process.execPath}' '${BIN}' "$@"\n`,
    );
    chmodSync(path.join(tools, 'npx'), 0o755);
    const commit = (message: string) => gitAsync(repo, ['commit', '-m', message], { PATH: `${tools}:${process.env.PATH}` });

    writeFileSync(path.join(repo, 'README.md'), 'hello\n');
    git(repo, 'add', 'README.md');
    expect((await commit('readme')).code).toBe(0);
    expect(existsSync(calls)).toBe(false);

    copyFileSync(fixture('event-stream', 'head', 'package-lock.json'), path.join(repo, 'package-lock.json'));
    git(repo, 'add', 'package-lock.json');
    const risky = await commit('bump event-stream');
    expect(risky.code).toBe(1);
    expect(risky.output).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');

    git(repo, 'checkout', 'HEAD', '--', 'package-lock.json');
    const lockfile = path.join(repo, 'package-lock.json');
    writeFileSync(lockfile, JSON.stringify(JSON.parse(readFileSync(lockfile, 'utf8')), null, 4));
    git(repo, 'add', 'package-lock.json');
    const rewrite = await commit('reindent the lockfile');
    expect(rewrite.output).toContain('depguard: PASS: no findings at or above high (index:package-lock.json: no package changes)\n');
    expect(rewrite.code).toBe(0);
    expect(readFileSync(calls, 'utf8')).toBe('npx\nnpx\n');
  });
});

describe('the pre-commit framework', () => {
  const hooks = readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
  const field = (name: string) => hooks.match(new RegExp(`^  ${name}: (.*)$`, 'm'))?.[1];

  it('.pre-commit-hooks.yaml declares the depguard hook that the README uses', () => {
    expect(hooks).toMatch(/^- id: depguard$/m);
    expect(readmeSnippet('### pre-commit framework')).toMatch(/^ {6}- id: depguard$/m);
    expect(field('language')).toBe('node');
    expect(field('entry')).toBe('depguard diff --staged');
    expect(field('pass_filenames')).toBe('true');
  });

  it('runs it for lockfiles only', () => {
    const files = new RegExp(field('files')!.replace(/^'(.*)'$/, '$1'));
    for (const file of [
      'package-lock.json',
      'npm-shrinkwrap.json',
      'apps/web/package-lock.json',
      'pnpm-lock.yaml',
      'yarn.lock',
      'bun.lock',
    ])
      expect(file).toMatch(files);
    for (const file of ['package.json', 'my-package-lock.json', 'package-lock.json.orig', 'bun.lockb', 'my-yarn.lock'])
      expect(file).not.toMatch(files);
  });
});
