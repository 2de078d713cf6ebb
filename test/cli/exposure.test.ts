import { execFile, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { BIN, fixture, runCli } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git.js';

/**
 * `depguard exposure` on a real repository: lockfiles written by the real npm against the
 * event-stream fixture registry on 127.0.0.1 (add, upgrade, remove, then re-add on a branch),
 * and a Yarn v1 lockfile in a subfolder (made by Yarn 1.22, from the fixtures), each commit with
 * its own date.
 */

const IDENTITY = {
  GIT_AUTHOR_NAME: 't',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 't',
  GIT_COMMITTER_EMAIL: 't@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
};

function git(repo: string, args: string[], date?: string): string {
  const dates = date ? { GIT_AUTHOR_DATE: `${date}T12:00:00Z`, GIT_COMMITTER_DATE: `${date}T12:00:00Z` } : {};
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...IDENTITY, ...dates } });
}

let registry: Registry;
let repo: string;
const home = mkdtempSync(path.join(os.tmpdir(), 'depguard-home-'));
/** Commit ids by step. */
const at: Record<string, string> = {};
const HOSTILE_SUBJECT = 'upgrade event-stream \u001b[2J | <img src=x> @everyone';

/** package.json with these dependencies, and the lockfile the real npm writes for it. */
async function lock(deps: Record<string, string>): Promise<void> {
  writeFileSync(
    path.join(repo, 'package.json'),
    `${JSON.stringify({ name: 'wallet-app', version: '1.0.0', private: true, dependencies: deps }, null, 2)}\n`,
  );
  await promisify(execFile)(
    'npm',
    ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund', '--registry', registry.url],
    {
      cwd: repo,
      env: { PATH: process.env.PATH, HOME: home, npm_config_userconfig: '/dev/null', npm_config_cache: path.join(home, '.npm') },
    },
  );
}

function commit(step: string, subject: string, date: string): void {
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-qm', subject], date);
  at[step] = git(repo, ['rev-parse', 'HEAD']).trim();
}

function yarnProject(side: 'base' | 'head'): void {
  mkdirSync(path.join(repo, 'web'), { recursive: true });
  for (const file of ['package.json', 'yarn.lock'])
    copyFileSync(fixture('event-stream', 'yarn-classic', side, file), path.join(repo, 'web', file));
}

beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'));
  repo = tempRepo();
  await lock({});
  commit('start', 'start', '2018-09-01');
  await lock({ 'event-stream': '3.3.4' });
  commit('add', 'add event-stream', '2018-09-05');
  await lock({ 'event-stream': '3.3.6' });
  commit('upgrade', HOSTILE_SUBJECT, '2018-09-16');
  await lock({});
  commit('remove', 'remove event-stream', '2018-11-26');
  git(repo, ['checkout', '-qb', 'readd']);
  await lock({ 'event-stream': '3.3.4' });
  commit('readd', 're-add event-stream', '2018-12-01');
  git(repo, ['checkout', '-q', 'main']);
  yarnProject('head');
  commit('web', 'web: a Yarn project', '2018-12-05');
  yarnProject('base');
  commit('webDown', 'web: back to event-stream 3.3.4', '2018-12-10');
}, 60_000);
afterAll(() => registry.close());

interface JsonWindow {
  package: { name: string; version: string };
  lockfile: string;
  entered: { commit: string; date: string; subject: string };
  left: { commit: string; date: string; subject: string } | null;
  branches: string[];
  paths: { name: string; version: string }[][];
  pathCount: number;
}

async function json(args: string[]): Promise<{ code: number | null; out: { windows: JsonWindow[] } & Record<string, unknown> }> {
  const r = await runCli(['exposure', ...args, '--format', 'json'], { cwd: repo });
  expect(r.stderr).toBe('');
  return { code: r.code, out: JSON.parse(r.stdout) };
}

/** Each window as `version lockfile entered-step left-step`. */
function brief(windows: JsonWindow[]): string[] {
  const step = (commit: string): string => Object.entries(at).find(([, id]) => id === commit)?.[0] ?? commit;
  return windows.map((w) => `${w.package.version} ${w.lockfile} ${step(w.entered.commit)} ${w.left ? step(w.left.commit) : 'still'}`);
}

describe('depguard exposure', { timeout: 120_000 }, () => {
  it('lists each window on the current branch: version, lockfile, the commits and dates it entered and left, and the path', async () => {
    const { code, out } = await json(['event-stream']);
    expect(code).toBe(1);
    expect(brief(out.windows)).toEqual([
      '3.3.4 package-lock.json add upgrade',
      '3.3.6 package-lock.json upgrade remove',
      '3.3.6 web/yarn.lock web webDown',
      '3.3.4 web/yarn.lock webDown still',
    ]);
    const [first] = out.windows;
    expect(first).toMatchObject({
      entered: { date: '2018-09-05T12:00:00.000Z', subject: 'add event-stream' },
      left: { date: '2018-09-16T12:00:00.000Z', subject: HOSTILE_SUBJECT },
      branches: ['main'],
      paths: [
        [
          { name: 'wallet-app', version: '1.0.0' },
          { name: 'event-stream', version: '3.3.4' },
        ],
      ],
    });
    expect(out).toMatchObject({ package: 'event-stream', range: null, branches: ['main'], all: false, shallow: false });
    // removing event-stream wrote back the lockfile of the start: one revision, read once
    expect(out.walked).toEqual({ commits: 6, lockfiles: ['package-lock.json', 'web/yarn.lock'], revisions: 5, parsed: 4 });
  });

  it('a transitive package, by version, in an npm and a Yarn lockfile, with the path that brought it in', async () => {
    const { code, out } = await json(['flatmap-stream@0.1.1']);
    expect(code).toBe(1);
    expect(brief(out.windows)).toEqual(['0.1.1 package-lock.json upgrade remove', '0.1.1 web/yarn.lock web webDown']);
    for (const w of out.windows) expect(w.paths[0]!.map((s) => s.name)).toEqual(['wallet-app', 'event-stream', 'flatmap-stream']);
    expect(out.windows[0]!.paths[0]![1]!.version).toBe('3.3.6');
  });

  it('a range keeps only the versions in it', async () => {
    const { out } = await json(['event-stream@>=3.3.5']);
    expect(brief(out.windows)).toEqual(['3.3.6 package-lock.json upgrade remove', '3.3.6 web/yarn.lock web webDown']);
  });

  it('--all walks every branch: a window shared by two is listed once with both, the re-add on its branch is still locked there', async () => {
    const { code, out } = await json(['event-stream', '--all']);
    expect(code).toBe(1);
    expect(brief(out.windows)).toEqual([
      '3.3.4 package-lock.json add upgrade',
      '3.3.6 package-lock.json upgrade remove',
      '3.3.4 package-lock.json readd still',
      '3.3.6 web/yarn.lock web webDown',
      '3.3.4 web/yarn.lock webDown still',
    ]);
    expect(out.windows.map((w) => w.branches.join(','))).toEqual(['main,readd', 'main,readd', 'readd', 'main', 'main']);
    expect(out.branches).toEqual(['main', 'readd']);
  });

  it('--since and --until keep the windows that overlap the period, shown whole', async () => {
    expect(brief((await json(['event-stream', '--since', '2018-11-27'])).out.windows)).toEqual([
      '3.3.6 web/yarn.lock web webDown',
      '3.3.4 web/yarn.lock webDown still',
    ]);
    // the day of --until counts whole; a window that left on the day --since names had still been open that day
    expect(brief((await json(['event-stream', '--until', '2018-09-05'])).out.windows)).toEqual(['3.3.4 package-lock.json add upgrade']);
    // 3.3.4 left at noon on the 16th: it was still locked that morning
    expect(brief((await json(['event-stream', '--since', '2018-09-16', '--until', '2018-10-01'])).out.windows)).toEqual([
      '3.3.4 package-lock.json add upgrade',
      '3.3.6 package-lock.json upgrade remove',
    ]);
    const later = await json(['event-stream', '--since', '2018-09-16T12:00:01Z', '--until', '2018-11-01']);
    expect(later.code).toBe(1);
    expect(brief(later.out.windows)).toEqual(['3.3.6 package-lock.json upgrade remove']);
    expect(later.out).toMatchObject({ since: '2018-09-16T12:00:01.000Z', until: '2018-11-01T23:59:59.999Z' });
    const before = await json(['event-stream', '--until', '2018-09-04']);
    expect(before.code).toBe(0);
    expect(before.out.windows).toEqual([]);
  });

  it('text: one block per window, strangers escaped, and the verdict; a package never locked exits 0', async () => {
    const r = await runCli(['exposure', 'event-stream'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `event-stream 3.3.4  package-lock.json\n  entered  ${at.add!.slice(0, 12)}  2018-09-05 12:00 UTC  add event-stream`,
    );
    expect(r.stdout).toContain('upgrade event-stream \\u001b[2J | <img src=x> @everyone');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('  path     wallet-app > event-stream@3.3.4\n');
    expect(r.stdout).toContain('  left     still locked\n');
    expect(r.stdout).toMatch(
      /depguard: EXPOSED: event-stream \(any version\) was locked in 4 windows \(main\); still locked: 3\.3\.4 in web\/yarn\.lock\n$/,
    );
    const never = await runCli(['exposure', 'left-pad'], { cwd: repo });
    expect(never.code).toBe(0);
    expect(never.stdout).toMatch(/depguard: never locked: left-pad \(any version\) is in no lockfile revision \(main\)\n$/);
  });

  it('markdown: a table, with the subject made inert', async () => {
    const r = await runCli(['exposure', 'event-stream', '--format', 'markdown', '--all'], { cwd: repo });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('| version | lockfile | entered | left | brought in by | branches |');
    expect(r.stdout).toContain('&lt;img src=x&gt;');
    expect(r.stdout).toContain('@\u200deveryone');
    expect(r.stdout).not.toContain('<img');
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('| main, readd |');
  });

  it('changes nothing in the repository: work tree, index, refs and objects are as they were', async () => {
    const before = fingerprint(repo);
    for (const args of [['event-stream'], ['event-stream', '--all', '--format', 'json'], ['flatmap-stream', '--format', 'markdown']])
      await runCli(['exposure', ...args], { cwd: path.join(repo, 'web') });
    expect(fingerprint(repo)).toEqual(before);
    expect(git(repo, ['status', '--porcelain', '--ignored'])).toBe('');
    expect(git(repo, ['rev-parse', '--abbrev-ref', 'HEAD']).trim()).toBe('main');
  });

  it('a revision that mentions the package but cannot be read: exit 3 when nothing else was found', async () => {
    const broken = tempRepo();
    writeFileSync(path.join(broken, 'package-lock.json'), '{ "lockfileVersion": 3, "packages": { "node_modules/left-pad": ');
    git(broken, ['add', '-A']);
    git(broken, ['commit', '-qm', 'broken'], '2020-01-01');
    const r = await runCli(['exposure', 'left-pad'], { cwd: broken });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('Lockfile revisions not read\n  package-lock.json: is not valid JSON');
    expect(r.stdout).toMatch(
      /\ndepguard: INCOMPLETE: left-pad \(any version\) is in no lockfile revision read \(main\), but 1 revision that mentions it could not be read\n$/,
    );
    // a package the broken revision does not mention is answered
    expect((await runCli(['exposure', 'right-pad'], { cwd: broken })).code).toBe(0);
  });

  it('Ctrl-C stops the walk with one line and exit 130, and no git it started is left running', async () => {
    // a git whose cat-file never answers: the walk is stopped while it waits for a lockfile revision
    const shims = mkdtempSync(path.join(os.tmpdir(), 'depguard-git-shim-'));
    const marker = path.join(shims, 'cat-file-started');
    const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
    writeFileSync(
      path.join(shims, 'git'),
      `#!/bin/sh\nif [ "$1" = cat-file ]; then echo $$ > "${marker}"; exec sleep 600; fi\nexec "${realGit}" "$@"\n`,
      { mode: 0o755 },
    );
    const child = spawn(process.execPath, [BIN, 'exposure', 'event-stream'], {
      cwd: repo,
      env: { PATH: `${shims}:${process.env.PATH}`, HOME: home, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    while (!existsSync(marker) || readFileSync(marker, 'utf8') === '') await new Promise((resolve) => setTimeout(resolve, 20));
    child.kill('SIGINT');
    expect(await closed).toBe(130);
    expect(stdout).toBe('');
    expect(stderr).toBe('depguard: interrupted: the history walk stopped before it was done; nothing was reported\n');
    // the stopped cat-file is killed, and gone once reaped
    const sleeper = Number(readFileSync(marker, 'utf8').trim());
    const alive = (): boolean => {
      try {
        process.kill(sleeper, 0);
        return !/^State:\s+Z/m.test(readFileSync(`/proc/${sleeper}/status`, 'utf8'));
      } catch {
        return false;
      }
    };
    while (alive()) await new Promise((resolve) => setTimeout(resolve, 20));
  });

  it('usage errors are one line, exit 2: not a work tree, a bad range or name, a bad date; arguments never reach git as options', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'depguard-not-a-repo-'));
    const cases: Array<[string[], string, string]> = [
      [['exposure', 'event-stream'], outside, 'is not inside a git work tree: depguard exposure reads the history of one'],
      [['exposure', 'event-stream@not a range'], repo, "'not a range' is not a version or a version range"],
      [['exposure', '--', '--upload-pack=touch /tmp/x'], repo, "'--upload-pack=touch /tmp/x' is not a package name"],
      [['exposure', '--', '-c'], repo, "'-c' is not a package name"],
      [['exposure', ':(glob)**'], repo, "':(glob)**' is not a package name"],
      [
        ['exposure', 'event-stream', '--since', '2018-02-30'],
        repo,
        "--since must be a date (YYYY-MM-DD) or an ISO time (2018-11-26T12:00:00Z), not '2018-02-30'",
      ],
      [
        ['exposure', 'event-stream', '--until', 'yesterday'],
        repo,
        "--until must be a date (YYYY-MM-DD) or an ISO time (2018-11-26T12:00:00Z), not 'yesterday'",
      ],
      [['exposure', 'event-stream', '--since', '2019-01-01', '--until', '2018-01-01'], repo, '--since is after --until: no period to walk'],
      [['exposure', 'event-stream', '--format', 'sarif'], repo, "--format must be one of text, json, markdown, not 'sarif'"],
    ];
    for (const [args, cwd, message] of cases) {
      const r = await runCli(args, { cwd });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(new RegExp(`^depguard: [^\\n]*${escapeRegExp(message)}[^\\n]*\\n$`));
      expect(r.stdout).toBe('');
    }
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Every file of the work tree and of .git, by path, with a hash of its content. */
function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!file.isFile()) continue;
    const full = path.join(file.parentPath, file.name);
    out[path.relative(dir, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
  }
  return out;
}
