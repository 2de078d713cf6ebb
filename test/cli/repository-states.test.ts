import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, ROOT, runCli, type CliResult } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';

/** Each test runs git and the CLI several times: slow on a loaded machine. */
const SLOW = 120_000;

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'));
});
afterAll(() => registry.close());

/** The registry comes from the user's side (npm_config_registry), never from the repository under test. */
const run = (args: string[], cwd: string): Promise<CliResult> => runCli(args, { cwd, env: { npm_config_registry: registry.url } });

/** The event-stream fixture's project files as one package manager locks them (`npm` is the top-level fixture). */
function lockedBy(manager: string, side: 'base' | 'head'): string {
  return manager === 'npm' ? fixture('event-stream', side) : fixture('event-stream', manager, side);
}

const LOCKFILE: Record<string, string> = {
  npm: 'package-lock.json',
  pnpm: 'pnpm-lock.yaml',
  'yarn-classic': 'yarn.lock',
  'yarn-berry': 'yarn.lock',
  bun: 'bun.lock',
};

function copyProject(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const file of ['package.json', ...new Set(Object.values(LOCKFILE))]) {
    try {
      copyFileSync(path.join(from, file), path.join(to, file));
    } catch {
      // not every manager writes every file
    }
  }
}

describe('the pre-commit framework, as it runs the hook in .pre-commit-hooks.yaml', () => {
  const hooks = readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8');
  const field = (name: string): string => hooks.match(new RegExp(`^  ${name}: (.*)$`, 'm'))![1]!;

  /**
   * What pre-commit does on `git commit`: from the top of the work tree, the staged files (its
   * own `git diff --staged` filter) that match `files` are appended to `entry` and the `args` of
   * the user's configuration, in one process since the hook is `require_serial`.
   */
  async function preCommit(repo: string, args: string[] = []): Promise<CliResult | null> {
    expect(field('pass_filenames')).toBe('true');
    expect(field('require_serial')).toBe('true');
    const files = new RegExp(field('files').replace(/^'(.*)'$/, '$1'));
    const staged = git(repo, 'diff', '--staged', '--name-only', '--no-ext-diff', '-z', '--diff-filter=ACMRTUXB')
      .split('\0')
      .filter((f) => f !== '' && files.test(f));
    if (staged.length === 0) return null;
    const [command, ...entry] = field('entry').split(' ');
    expect(command).toBe('depguard');
    return run([...entry, ...args, ...staged], repo);
  }

  it(
    'audits a lockfile in a subdirectory (the root has none)',
    async () => {
      const repo = tempRepo();
      copyProject(lockedBy('npm', 'base'), path.join(repo, 'apps', 'web'));
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'base');
      copyProject(lockedBy('npm', 'head'), path.join(repo, 'apps', 'web'));
      git(repo, 'add', '.');
      const r = (await preCommit(repo))!;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^depguard diff HEAD:apps\/web\/package-lock\.json -> index:apps\/web\/package-lock\.json\n/);
      expect(r.stdout).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
    },
    SLOW,
  );

  it(
    'audits each staged lockfile on its own, whatever the format, and fails when one has findings',
    async () => {
      const repo = tempRepo();
      copyProject(lockedBy('npm', 'base'), path.join(repo, 'apps', 'web'));
      copyProject(lockedBy('pnpm', 'base'), path.join(repo, 'apps', 'api'));
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'base');
      copyProject(lockedBy('pnpm', 'head'), path.join(repo, 'apps', 'api'));
      writeFileSync(
        path.join(repo, 'apps', 'web', 'package-lock.json'),
        `${readFileSync(path.join(repo, 'apps', 'web', 'package-lock.json'), 'utf8')}\n`,
      );
      git(repo, 'add', '.');
      const r = (await preCommit(repo))!;
      expect(r.code).toBe(1);
      // each lockfile on its own: the failing one in full, the passing one in one line (--staged)
      const reports = r.stdout.split(/^(?=depguard diff |depguard: PASS)/m).filter((t) => t.trim() !== '');
      expect(reports.map((t) => t.split('\n')[0])).toEqual([
        'depguard diff HEAD:apps/api/pnpm-lock.yaml -> index:apps/api/pnpm-lock.yaml',
        expect.stringMatching(/^depguard: PASS.*index:apps\/web\/package-lock\.json/),
      ]);
      expect(reports[0]).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
    },
    SLOW,
  );

  it(
    'judges the first commit (an unborn HEAD) of a nested lockfile against an empty base',
    async () => {
      const repo = tempRepo();
      copyProject(lockedBy('npm', 'head'), path.join(repo, 'apps', 'web'));
      git(repo, 'add', '.');
      const r = (await preCommit(repo, ['--format', 'json']))!;
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const out = JSON.parse(r.stdout);
      expect([out.base, out.head]).toEqual(['HEAD:apps/web/package-lock.json (no lockfile)', 'index:apps/web/package-lock.json']);
      expect(out.summary.changes.added).toBe(9);
    },
    SLOW,
  );

  it(
    'does not start depguard when no lockfile is staged',
    async () => {
      const repo = tempRepo();
      writeFileSync(path.join(repo, 'README.md'), 'hello\n');
      git(repo, 'add', '.');
      expect(await preCommit(repo)).toBeNull();
    },
    SLOW,
  );
});

describe('lockfile arguments to depguard diff', () => {
  it(
    'are audited one by one, and may not be mixed with --lockfile or with one-document outputs',
    async () => {
      const repo = tempRepo();
      const cases: Array<[string[], string]> = [
        [
          ['diff', 'a/package-lock.json', '--lockfile', 'b/package-lock.json'],
          'name the lockfile with --lockfile or as an argument, not both',
        ],
        [
          ['diff', 'a/package-lock.json', 'b/package-lock.json', '--format', 'json'],
          '2 lockfiles given: --format json and sarif, --output-file and --show-code take one lockfile per run',
        ],
        [
          ['diff', 'a/package-lock.json', 'b/package-lock.json', '--output-file', 'x'],
          '2 lockfiles given: --format json and sarif, --output-file and --show-code take one lockfile per run',
        ],
      ];
      for (const [args, message] of cases)
        expect(await run(args, repo), args.join(' ')).toEqual({ code: 2, stdout: '', stderr: `depguard: ${message}\n` });
    },
    SLOW,
  );

  it(
    'a lockfile in a folder that does not exist says so (not "git is not installed")',
    async () => {
      const repo = tempRepo();
      const r = await run(['diff', '--staged', 'gone/package-lock.json'], repo);
      expect(r).toEqual({ code: 2, stdout: '', stderr: `depguard: ${path.join(repo, 'gone')}: does not exist\n` });
    },
    SLOW,
  );
});

describe('a merge left half-done', () => {
  /**
   * A real merge conflict in the lockfile: main moves event-stream to 3.3.5 while a branch moves it
   * to 3.3.6 (the fixture's head), on the same lines.
   */
  function conflicted(manager: string): string {
    const repo = tempRepo();
    const file = LOCKFILE[manager]!;
    copyProject(lockedBy(manager, 'base'), repo);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    git(repo, 'checkout', '-qb', 'bump');
    copyFileSync(path.join(lockedBy(manager, 'head'), file), path.join(repo, file));
    git(repo, 'commit', '-qam', 'event-stream 3.3.6');
    git(repo, 'checkout', '-q', 'main');
    writeFileSync(path.join(repo, file), readFileSync(path.join(repo, file), 'utf8').replaceAll('3.3.4', '3.3.5'));
    git(repo, 'commit', '-qam', 'event-stream 3.3.5');
    expect(() => git(repo, 'merge', '-q', 'bump')).toThrow();
    return repo;
  }

  it.each(Object.keys(LOCKFILE))(
    '%s: conflict markers on disk and an unmerged index are one line each, exit 2',
    async (manager) => {
      const repo = conflicted(manager);
      const file = LOCKFILE[manager]!;
      const [worktree, audit, staged] = await Promise.all([run(['diff'], repo), run(['audit'], repo), run(['diff', '--staged'], repo)]);
      const markers = `has unresolved git merge conflict markers (resolve them, or let the package manager rewrite it)`;
      expect(worktree).toEqual({ code: 2, stdout: '', stderr: `depguard: ${file}: ${markers}\n` });
      expect(audit).toEqual({ code: 2, stdout: '', stderr: `depguard: ${file}: ${markers}\n` });
      // the index holds the three sides of the conflict; the first is the common ancestor, not what is staged
      expect(staged).toEqual({
        code: 2,
        stdout: '',
        stderr: `depguard: index:${file}: is unmerged (a merge conflict in progress): resolve it and git add it first\n`,
      });
    },
    SLOW,
  );
});
