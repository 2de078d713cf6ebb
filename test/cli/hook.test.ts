import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { git, gitAsync, eventStreamRepo, tempRepo } from '../helpers/git.js';

const HEAD = fixture('event-stream', 'head', 'package-lock.json');

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'));
});
afterAll(() => registry.close());

/** A repository whose last commit has the base lockfile, and whose .npmrc points at the fixture registry. */
function repoWithBase(): string {
  return eventStreamRepo(registry.url, 'committed');
}

/** A pre-commit hook of the user's own that appends 'ran' to `marker` and exits with `code`. */
function userHook(hooksDir: string, code = 0): { marker: string; text: string } {
  const marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'depguard-marker-')), 'ran');
  const text = `#!/bin/sh\necho ran >> '${marker}'\nexit ${code}\n`;
  mkdirSync(hooksDir, { recursive: true });
  writeFileSync(path.join(hooksDir, 'pre-commit'), text);
  chmodSync(path.join(hooksDir, 'pre-commit'), 0o755);
  return { marker, text };
}

function runs(marker: string): number {
  return existsSync(marker) ? readFileSync(marker, 'utf8').split('\n').filter(Boolean).length : 0;
}

const head = (repo: string) => git(repo, 'rev-parse', 'HEAD').trim();

async function commitRiskyChange(repo: string, cwd = repo) {
  copyFileSync(HEAD, path.join(cwd, 'package-lock.json'));
  git(cwd, 'add', 'package-lock.json');
  const before = head(cwd);
  const commit = await gitAsync(cwd, ['commit', '-m', 'bump event-stream']);
  return { commit, committed: head(cwd) !== before };
}

describe('depguard hook install: the hook in a real git commit', () => {
  it('blocks a commit that stages the event-stream change, after running the existing hook', async () => {
    const repo = repoWithBase();
    const hooks = path.join(repo, '.git', 'hooks');
    const { marker } = userHook(hooks);
    const install = await runCli(['hook', 'install'], { cwd: repo });
    expect(install.stderr).toBe('');
    expect(install.code).toBe(0);
    const written = readFileSync(path.join(hooks, 'pre-commit'), 'utf8');
    expect(install.stdout).toBe(
      `Moved ${hooks}/pre-commit to ${hooks}/pre-commit.depguard-chained: it runs first, and depguard hook uninstall puts it back.\n` +
        `Wrote ${hooks}/pre-commit:\n\n${written}`,
    );
    expect(statSync(path.join(hooks, 'pre-commit')).mode & 0o111).not.toBe(0);

    const { commit, committed } = await commitRiskyChange(repo);
    expect(committed).toBe(false);
    expect(commit.code).toBe(1);
    expect(commit.output).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
    expect(commit.output).toContain('depguard: commit blocked by the pre-commit hook (git commit --no-verify skips it)');
    expect(runs(marker)).toBe(1);
  });

  it('lets through a commit that does not touch the lockfile, and a lockfile rewrite with no package change', async () => {
    const repo = repoWithBase();
    const { marker } = userHook(path.join(repo, '.git', 'hooks'));
    expect((await runCli(['hook', 'install'], { cwd: repo })).code).toBe(0);

    writeFileSync(path.join(repo, 'README.md'), 'hello\n');
    git(repo, 'add', 'README.md');
    const readme = await gitAsync(repo, ['commit', '-m', 'readme']);
    expect(readme.code).toBe(0);
    expect(readme.output).not.toContain('depguard');
    expect(runs(marker)).toBe(1);

    const lockfile = path.join(repo, 'package-lock.json');
    writeFileSync(lockfile, JSON.stringify(JSON.parse(readFileSync(lockfile, 'utf8')), null, 4));
    git(repo, 'add', 'package-lock.json');
    const before = head(repo);
    const rewrite = await gitAsync(repo, ['commit', '-m', 'reindent the lockfile']);
    expect(rewrite.output).toContain('depguard: PASS: no findings at or above high (index:package-lock.json: no package changes)\n');
    expect(rewrite.code).toBe(0);
    expect(head(repo)).not.toBe(before);
    expect(runs(marker)).toBe(2);
  });

  it('still blocks the commit when the existing hook fails, without starting depguard', async () => {
    const repo = repoWithBase();
    const { marker } = userHook(path.join(repo, '.git', 'hooks'), 1);
    expect((await runCli(['hook', 'install'], { cwd: repo })).code).toBe(0);
    const { commit, committed } = await commitRiskyChange(repo);
    expect(committed).toBe(false);
    expect(commit.output).not.toContain('event-stream');
    expect(runs(marker)).toBe(1);
  });

  it('passes the arguments given after -- to depguard diff', async () => {
    const repo = repoWithBase();
    const install = await runCli(['hook', 'install', '--', '--format', 'json'], { cwd: repo });
    expect(install.stdout).toContain('depguard diff --staged --lockfile "$file" --format json || status=$?');
    const { commit, committed } = await commitRiskyChange(repo);
    expect(committed).toBe(false);
    expect(commit.output).toContain('"schemaVersion": 1');
  });
});

describe('depguard hook install: where the hook goes', () => {
  it('respects core.hooksPath (relative to the top of the work tree), run from a subdirectory', async () => {
    const repo = repoWithBase();
    git(repo, 'config', 'core.hooksPath', '.githooks');
    mkdirSync(path.join(repo, 'src'));
    const install = await runCli(['hook', 'install'], { cwd: path.join(repo, 'src') });
    expect(install.stdout).toMatch(new RegExp(`^Wrote ${repo}/\\.githooks/pre-commit:\n`));
    expect(existsSync(path.join(repo, '.git', 'hooks', 'pre-commit'))).toBe(false);
    expect((await commitRiskyChange(repo)).committed).toBe(false);
  });

  it('installs into the repository’s hooks from a linked worktree, and the hook guards commits there', async () => {
    const repo = repoWithBase();
    const worktree = path.join(mkdtempSync(path.join(os.tmpdir(), 'depguard-wt-')), 'wt');
    git(repo, 'worktree', 'add', '-q', worktree);
    const install = await runCli(['hook', 'install'], { cwd: worktree });
    expect(install.stdout).toMatch(new RegExp(`^Wrote ${repo}/\\.git/hooks/pre-commit:\n`));
    const { commit, committed } = await commitRiskyChange(repo, worktree);
    expect(committed).toBe(false);
    expect(commit.output).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
  });

  it('says so when it is not in a git work tree', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'depguard-nogit-'));
    const r = await runCli(['hook', 'install'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`depguard: ${dir} is not inside a git work tree\n`);
  });
});

describe('depguard hook install and uninstall: existing hooks', () => {
  it('is idempotent, and uninstall puts the previous hook back byte for byte', async () => {
    const repo = tempRepo();
    const hooks = path.join(repo, '.git', 'hooks');
    const original = Buffer.from('#!/bin/sh\r\n# café\r\nexit 0', 'utf8');
    writeFileSync(path.join(hooks, 'pre-commit'), original);
    chmodSync(path.join(hooks, 'pre-commit'), 0o750);

    expect((await runCli(['hook', 'install'], { cwd: repo })).code).toBe(0);
    const ours = readFileSync(path.join(hooks, 'pre-commit'));
    const again = await runCli(['hook', 'install'], { cwd: repo });
    expect(again).toEqual({
      code: 0,
      stdout: `The depguard hook is already installed: ${hooks}/pre-commit (nothing changed)\n`,
      stderr: '',
    });
    expect(readFileSync(path.join(hooks, 'pre-commit'))).toEqual(ours);
    expect(readFileSync(path.join(hooks, 'pre-commit.depguard-chained'))).toEqual(original);

    const uninstall = await runCli(['hook', 'uninstall'], { cwd: repo });
    expect(uninstall.stdout).toBe(
      `Removed the depguard hook and restored ${hooks}/pre-commit from ${hooks}/pre-commit.depguard-chained.\n`,
    );
    expect(readFileSync(path.join(hooks, 'pre-commit'))).toEqual(original);
    expect(statSync(path.join(hooks, 'pre-commit')).mode & 0o777).toBe(0o750);
    expect(existsSync(path.join(hooks, 'pre-commit.depguard-chained'))).toBe(false);
  });

  it('without a previous hook, uninstall removes the hook, then has nothing to do', async () => {
    const repo = tempRepo();
    const hooks = path.join(repo, '.git', 'hooks');
    expect((await runCli(['hook', 'install'], { cwd: repo })).stdout).toMatch(/^Wrote /);
    expect((await runCli(['hook', 'uninstall'], { cwd: repo })).stdout).toBe(`Removed ${hooks}/pre-commit.\n`);
    expect(existsSync(path.join(hooks, 'pre-commit'))).toBe(false);
    expect(await runCli(['hook', 'uninstall'], { cwd: repo })).toEqual({
      code: 0,
      stdout: `No depguard hook in ${hooks}/pre-commit: nothing to uninstall.\n`,
      stderr: '',
    });
  });

  it('refuses to uninstall a hook it did not install, and leaves it alone', async () => {
    const repo = tempRepo();
    const hooks = path.join(repo, '.git', 'hooks');
    const { text } = userHook(hooks);
    const r = await runCli(['hook', 'uninstall'], { cwd: repo });
    expect(r).toEqual({ code: 2, stdout: '', stderr: `depguard: ${hooks}/pre-commit was not installed by depguard; leaving it alone\n` });
    expect(readFileSync(path.join(hooks, 'pre-commit'), 'utf8')).toBe(text);
  });

  it('refuses other settings over an installed hook, and arguments that would fail every commit', async () => {
    const repo = tempRepo();
    const hooks = path.join(repo, '.git', 'hooks');
    const bad: Array<[string[], string]> = [
      [['--fail-on', 'nope'], "depguard: --fail-on must be one of info, low, medium, high, critical, not 'nope'\n"],
      [
        ['--lockfile', 'x.json'],
        'depguard: the hook sets --staged and --lockfile itself: leave --lockfile out of the arguments after --\n',
      ],
      [['--no-such-flag'], "depguard: arguments after -- (for depguard diff): unknown option '--no-such-flag'\n"],
    ];
    for (const [args, stderr] of bad) {
      expect(await runCli(['hook', 'install', '--', ...args], { cwd: repo })).toEqual({ code: 2, stdout: '', stderr });
    }
    expect(existsSync(path.join(hooks, 'pre-commit'))).toBe(false);

    expect((await runCli(['hook', 'install'], { cwd: repo })).code).toBe(0);
    const ours = readFileSync(path.join(hooks, 'pre-commit'), 'utf8');
    const other = await runCli(['hook', 'install', '--', '--fail-on', 'critical'], { cwd: repo });
    expect(other.code).toBe(2);
    expect(other.stderr).toBe(
      `depguard: ${hooks}/pre-commit is a depguard hook with other settings; run depguard hook uninstall first to replace it\n`,
    );
    expect(readFileSync(path.join(hooks, 'pre-commit'), 'utf8')).toBe(ours);
  });
});
