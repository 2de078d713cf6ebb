import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { git, eventStreamRepo, tempRepo } from '../helpers/git.js';

const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'));
});
afterAll(() => registry.close());

/** A repository whose last commit has the base lockfile. */
function repoWithBase(): string {
  return eventStreamRepo(registry.url, 'untracked');
}

describe('depguard diff in a git repository', () => {
  it('compares HEAD with the working tree by default', async () => {
    const repo = repoWithBase();
    expect((await runCli(['diff'], { cwd: repo })).stdout).toContain('No package changes.');
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    const r = await runCli(['diff'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('depguard diff HEAD:package-lock.json -> package-lock.json');
    expect(r.stdout).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
  });

  it('the first commit (an unborn HEAD) has an empty base: every staged package is judged', async () => {
    const repo = tempRepo();
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    copyFileSync(path.join(path.dirname(HEAD), 'package.json'), path.join(repo, 'package.json'));
    writeFileSync(path.join(repo, '.npmrc'), `registry=${registry.url}\n`);
    git(repo, 'add', 'package-lock.json', 'package.json');
    for (const args of [['diff', '--staged', '--verbose'], ['diff']]) {
      const r = await runCli(args, { cwd: repo });
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('depguard diff HEAD:package-lock.json');
      expect(r.stdout).toContain('event-stream 3.3.6');
    }
  });

  it('--staged compares HEAD with the index, not the working tree', async () => {
    const repo = repoWithBase();
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    git(repo, 'add', 'package-lock.json');
    copyFileSync(BASE, path.join(repo, 'package-lock.json'));
    const staged = await runCli(['diff', '--staged'], { cwd: repo });
    expect(staged.code).toBe(1);
    expect(staged.stdout).toContain('HEAD:package-lock.json -> index:package-lock.json');
    expect((await runCli(['diff'], { cwd: repo })).code).toBe(0);
  });

  it('takes git revisions for --base and --head, and a lockfile in a subdirectory', async () => {
    const repo = tempRepo();
    mkdirSync(path.join(repo, 'app'));
    copyFileSync(BASE, path.join(repo, 'app', 'package-lock.json'));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    copyFileSync(HEAD, path.join(repo, 'app', 'package-lock.json'));
    git(repo, 'commit', '-qam', 'head');
    const args = ['diff', '--base', 'HEAD~1', '--head', 'HEAD', '--lockfile', 'app/package-lock.json', '--registry', registry.url];
    const r = await runCli(args, { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('depguard diff HEAD~1:app/package-lock.json -> HEAD:app/package-lock.json');
    const unknown = await runCli(['diff', '--base', 'no-such-branch', '--lockfile', 'app/package-lock.json'], { cwd: repo });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("depguard: unknown git revision 'no-such-branch'\n");
  });

  it('on a GitHub pull request, uses the merge base with GITHUB_BASE_REF', async () => {
    const repo = repoWithBase();
    git(repo, 'checkout', '-qb', 'feature');
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    git(repo, 'commit', '-qam', 'bump event-stream');
    const r = await runCli(['diff'], { cwd: repo, env: { GITHUB_BASE_REF: 'main' } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
    // without it, HEAD is already the head: nothing changed
    expect((await runCli(['diff'], { cwd: repo })).code).toBe(0);
  });

  it('treats a base revision without a lockfile as an empty tree', async () => {
    const repo = tempRepo();
    writeFileSync(path.join(repo, 'README.md'), 'hi');
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'first');
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    const r = await runCli(['diff', '--registry', registry.url, '--format', 'json'], { cwd: repo });
    const out = JSON.parse(r.stdout);
    expect(out.base).toBe('HEAD:package-lock.json (no lockfile)');
    expect(out.changes).toHaveLength(9);
    expect(out.changes.every((c: { kind: string }) => c.kind === 'added')).toBe(true);
  });
});
