import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { eventStreamRepo, git } from '../helpers/git.js';

const HEAD = fixture('event-stream', 'head', 'package-lock.json');
const ZEROS = '0'.repeat(40);

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'));
});
afterAll(() => registry.close());

/** The environment GitHub Actions gives a step on a `push`, with the event's payload written where the runner writes it. */
function pushEnv(payload: object): NodeJS.ProcessEnv {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'event-')), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: file };
}

const push = (before: string, ref = 'refs/heads/main') => ({ before, ref, repository: { default_branch: 'main' } });

/** Two commits pushed on main: the lockfile change, then an unrelated one (HEAD^ alone would miss the change). */
function pushedTwoCommits(): { repo: string; before: string } {
  const repo = eventStreamRepo(registry.url, 'untracked');
  const before = git(repo, 'rev-parse', 'HEAD').trim();
  copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
  git(repo, 'commit', '-qam', 'bump event-stream');
  writeFileSync(path.join(repo, 'README.md'), 'docs\n');
  git(repo, 'add', 'README.md');
  git(repo, 'commit', '-qm', 'docs');
  return { repo, before };
}

describe('depguard diff on a GitHub push', () => {
  it('compares with the commit the branch pointed at before the push, not HEAD with itself', async () => {
    const { repo, before } = pushedTwoCommits();
    const r = await runCli(['diff', '--format', 'json'], { cwd: repo, env: pushEnv(push(before)) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.base).toBe(`${before}:package-lock.json`);
    expect(out.findings.some((f: { package: { name: string } }) => f.package.name === 'event-stream')).toBe(true);
    // the same checkout without the event: HEAD against the working tree, nothing changed
    expect((await runCli(['diff'], { cwd: repo })).code).toBe(0);
    // --base still decides
    expect((await runCli(['diff', '--base', 'HEAD'], { cwd: repo, env: pushEnv(push(before)) })).code).toBe(0);
  });

  it('compares a new branch (GitHub sends forty zeros) with its merge base with the default branch', async () => {
    const repo = eventStreamRepo(registry.url, 'untracked');
    git(repo, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    const forkPoint = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '-qb', 'feature');
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    git(repo, 'commit', '-qam', 'bump event-stream');
    const r = await runCli(['diff', '--format', 'json'], { cwd: repo, env: pushEnv(push(ZEROS, 'refs/heads/feature')) });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).base).toBe(`${forkPoint}:package-lock.json`);
  });

  it("judges every package on the default branch's first push: there was nothing before it", async () => {
    const repo = eventStreamRepo(registry.url, 'untracked');
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    git(repo, 'commit', '-qam', 'bump event-stream');
    const r = await runCli(['diff', '--format', 'json'], { cwd: repo, env: pushEnv(push(ZEROS)) });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.base).toBe('nothing (the first push of main)');
    expect(out.changes.length).toBeGreaterThan(0);
    expect(out.changes.every((c: { kind: string }) => c.kind === 'added')).toBe(true);
  });

  it('after a force push (the earlier commit is in no branch), compares a branch with its merge base and refuses to guess on the default branch', async () => {
    const repo = eventStreamRepo(registry.url, 'untracked');
    git(repo, 'update-ref', 'refs/remotes/origin/main', 'HEAD');
    const forkPoint = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '-qb', 'feature');
    copyFileSync(HEAD, path.join(repo, 'package-lock.json'));
    git(repo, 'commit', '-qam', 'bump event-stream');
    const gone = 'a'.repeat(40);
    const feature = await runCli(['diff', '--format', 'json'], { cwd: repo, env: pushEnv(push(gone, 'refs/heads/feature')) });
    expect(feature.code).toBe(1);
    expect(JSON.parse(feature.stdout).base).toBe(`${forkPoint}:package-lock.json`);
    const main = await runCli(['diff'], { cwd: repo, env: pushEnv(push(gone)) });
    expect(main.code).toBe(2);
    expect(main.stderr).toBe(
      `depguard: the commit before this push (${gone}) is not in this clone (after a force push it is in no branch): check out with fetch-depth: 0, or pass --base\n`,
    );
  });

  it('says in one line when the clone lacks the default branch or the event is not a push', async () => {
    const repo = eventStreamRepo(registry.url, 'untracked');
    git(repo, 'branch', '-m', 'feature'); // a single-branch clone: no main, local or remote
    const shallow = await runCli(['diff'], { cwd: repo, env: pushEnv(push(ZEROS, 'refs/heads/feature')) });
    expect(shallow.code).toBe(2);
    expect(shallow.stderr).toBe(
      "depguard: the repository's default branch is 'main' but neither origin/main nor main exists in this clone (fetch with fetch-depth: 0)\n",
    );
    const notPush = await runCli(['diff'], { cwd: repo, env: pushEnv({ action: 'opened' }) });
    expect(notPush.code).toBe(2);
    expect(notPush.stderr).toMatch(/^depguard: GITHUB_EVENT_PATH .*event\.json: not a push event \(no 'before' commit or 'ref'\)\n$/);
    const env = pushEnv({});
    writeFileSync(env.GITHUB_EVENT_PATH!, '{not json');
    const broken = await runCli(['diff'], { cwd: repo, env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/^depguard: GITHUB_EVENT_PATH .*event\.json: not JSON\n$/);
  });
});
