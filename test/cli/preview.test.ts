import { execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackument, loadDocuments, startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { BIN, type CliResult, fixture, ROOT } from '../helpers/cli.js';
import { readmeBlocks } from '../helpers/readme.js';

/**
 * `depguard preview` with the real npm against a fixture registry on 127.0.0.1: the documents
 * and real tarballs of the event-stream incident, a benign package with two releases, and a
 * package whose install script writes a marker file.
 */

const run = promisify(execFile);

/** The pins scripts/package-managers.mjs makes the lockfile fixtures with. */
const TOOLS = ['pnpm@10.34.9', '@yarnpkg/cli-dist@4.18.1', 'bun@1.4.5'];
/** The packageManager field of the projects they lock (the versions above). */
const PINS = { pnpm: 'pnpm@10.34.9', yarn: 'yarn@4.18.1', bun: 'bun@1.4.5' } as const;

const SPAWN_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 180_000;

let registry: Registry;
/** Shared by every run of this file (npm's cache lives there); never the user's. */
let home: string;
/** Where the install script of marker-pkg writes: it must exist only after a real, forced install. */
let marker: string;

const publisher = { name: 'alice', email: 'alice@example.com' };

/** A packument by one publisher. */
const spec = (name: string, versions: Array<{ version: string; time: string; scripts?: Record<string, string> }>) =>
  buildPackument({
    name,
    maintainers: [publisher],
    created: '2019-01-01T00:00:00.000Z',
    versions: versions.map((v) => ({ ...v, publisher, maintainers: [publisher] })),
  });

/** An install script that writes `file`. */
const writes = (file: string): Record<string, string> => ({
  install: `node -e "require('fs').writeFileSync(${JSON.stringify(file).replace(/"/g, "'")}, 'ran')"`,
});

beforeAll(async () => {
  home = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-home-'));
  marker = path.join(mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-marker-')), 'install-script-ran');
  const docs = loadDocuments(fixture('code-flatmap-stream', 'registry'));
  docs.set(
    'tiny-lib',
    spec('tiny-lib', [
      { version: '1.0.0', time: '2020-01-01T00:00:00.000Z' },
      { version: '1.0.1', time: '2020-02-01T00:00:00.000Z' },
    ]),
  );
  // 1.0.1 starts running an install script that writes the marker
  docs.set(
    'marker-pkg',
    spec('marker-pkg', [
      { version: '1.0.0', time: '2020-01-01T00:00:00.000Z' },
      {
        version: '1.0.1',
        time: '2020-02-01T00:00:00.000Z',
        scripts: writes(marker),
      },
    ]),
  );
  registry = await startRegistry(docs, { localTarballs: true, tarballs: fixture('code-flatmap-stream', 'registry', 'tarballs') });
});

afterAll(async () => {
  await registry?.close();
});

/** A project locked by the real npm against the fixture registry (package.json and package-lock.json, no node_modules). */
async function project(dependencies: Record<string, string>, ranges?: Record<string, string>, url = registry.url): Promise<string> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-project-'));
  const lock = async (deps: Record<string, string>): Promise<void> => {
    writeFileSync(
      path.join(dir, 'package.json'),
      `${JSON.stringify({ name: 'app', version: '1.0.0', private: true, dependencies: deps }, null, 2)}\n`,
    );
    // asynchronously: the registry answers from this process
    await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: dir,
      env: { PATH: process.env.PATH, HOME: home, npm_config_registry: url },
      timeout: SPAWN_TIMEOUT_MS,
    });
  };
  await lock(dependencies);
  // exact versions locked first, then widened: the lockfile keeps what it has
  if (ranges) await lock(ranges);
  return dir;
}

/** Every file and folder under `dir`, with a hash of its content. */
function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stat = lstatSync(path.join(dir, entry));
    out.set(
      entry,
      stat.isDirectory()
        ? `dir ${stat.mode}`
        : `${stat.mode} ${createHash('sha256')
            .update(readFileSync(path.join(dir, entry)))
            .digest('hex')}`,
    );
  }
  return out;
}

/** `dir` made a git repository whose one commit holds every file in it. */
function commitAll(dir: string, message: string): void {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH, GIT_CONFIG_GLOBAL: '/dev/null' },
    });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', message);
}

/** What every manager's preview of event-stream@3.3.6 over 3.3.4 shows, and leaves: exit 1, the incident's findings, nothing changed or left behind. */
function expectIncidentPreviewed(r: CliResult & { tmp: string }, dir: string, before: Map<string, string>, head: string): void {
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  expect(r.stdout).toContain(`depguard diff ${head}\n`);
  expect(r.stdout).toMatch(/CRITICAL event-stream 3\.3\.4 -> 3\.3\.6/);
  expect(r.stdout).toMatch(/critical new-dependency +3\.3\.6 depends on flatmap-stream/);
  expect(hashes(dir)).toEqual(before);
  expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
  // the temporary copy is gone
  expect(copiesLeft(r.tmp)).toEqual([]);
}

/** depguard's temporary copies left in a TMPDIR (Node 22+ and the managers keep their own node-compile-cache there). */
function copiesLeft(tmp: string): string[] {
  return readdirSync(tmp).filter((name) => name.startsWith('depguard-'));
}

/** The built CLI, killed if it outlives the timeout; TMPDIR is private so a copy left behind is seen. */
function depguard(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult & { tmp: string }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-tmp-'));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: home, NO_COLOR: '1', TMPDIR: tmp, npm_config_registry: registry.url, ...env },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`depguard ${args.join(' ')} did not end within ${SPAWN_TIMEOUT_MS} ms\n${stderr}`));
    }, SPAWN_TIMEOUT_MS);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, tmp });
    });
  });
}

describe('depguard preview -- npm', () => {
  it(
    'previews install event-stream@3.3.6 over a locked 3.3.4: exit 1 with the incident findings, the project untouched',
    async () => {
      const dir = await project({ 'event-stream': '3.3.4' });
      const before = hashes(dir);
      const r = await depguard(['preview', '--', 'npm', 'install', 'event-stream@3.3.6'], dir);
      expectIncidentPreviewed(r, dir, before, 'package-lock.json -> package-lock.json after npm install event-stream@3.3.6');
      expect(r.stdout).toMatch(/CRITICAL event-stream 3\.3\.4 -> 3\.3\.6 {2}\(upgraded, direct\)/);
      expect(r.stdout).toMatch(/critical publisher-changed/);
      expect(r.stdout).toMatch(/critical new-dependency +3\.3\.6 depends on flatmap-stream@\^0\.1\.0/);
      expect(r.stdout).toMatch(/flatmap-stream 0\.1\.1 {2}\(added, transitive\)\n {2}high +code-capabilities/);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    "resolves and checks a scope the project's tracked .npmrc maps to a private registry there, never on depguard's default",
    async () => {
      // the project as it stands is the user's (the command is what is previewed): its committed .npmrc chooses @acme's registry
      const widget = buildPackument({
        name: '@acme/widget',
        maintainers: [publisher],
        created: '2019-01-01T00:00:00.000Z',
        versions: [{ version: '1.0.0', time: '2019-01-01T00:00:00.000Z', publisher, maintainers: [publisher] }],
      });
      const acme = await startRegistry(new Map([['@acme/widget', widget]]));
      try {
        const dir = await project({ 'tiny-lib': '1.0.0' });
        writeFileSync(path.join(dir, '.npmrc'), `@acme:registry=${acme.url}\n`);
        commitAll(dir, 'app');
        const asked = registry.requests.length;
        const r = await depguard(['preview', '--no-code', '--', 'npm', 'install', '@acme/widget@1.0.0'], dir);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain('@acme/widget');
        // the package manager and depguard's checks both went to the scope's registry
        expect(acme.requests.filter((q) => q.path.includes('widget')).length).toBeGreaterThanOrEqual(2);
        expect(registry.requests.slice(asked).filter((q) => q.path.includes('acme'))).toEqual([]);
      } finally {
        await acme.close();
      }
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'prints the same JSON as diff, whose findings point into the project lockfile, not the temporary copy',
    async () => {
      const dir = await project({ 'event-stream': '3.3.4' });
      const r = await depguard(['preview', '--format', 'json', '--', 'npm', 'install', 'event-stream@3.3.6'], dir);
      expect(r.code).toBe(1);
      const json = JSON.parse(r.stdout) as { base: string; head: string; findings: Array<{ ruleId: string; location: { file: string } }> };
      expect(json.base).toBe('package-lock.json');
      expect(json.head).toBe('package-lock.json after npm install event-stream@3.3.6');
      expect(json.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['publisher-changed', 'new-dependency']));
      expect(new Set(json.findings.map((f) => f.location.file))).toEqual(new Set(['package-lock.json']));
      expect(r.stdout).not.toContain('depguard-preview-');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '--then-run does not run the command when the preview fails, and says what to do next',
    async () => {
      const dir = await project({ 'event-stream': '3.3.4' });
      const before = hashes(dir);
      const r = await depguard(['preview', '--then-run', '--', 'npm', 'install', 'event-stream@3.3.6'], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^depguard: npm install event-stream@3\.3\.6 was not run: the preview has findings at or above high\. After a review, run it anyway with depguard preview --then-run --force -- npm install event-stream@3\.3\.6; then record the review with depguard approve event-stream@3\.3\.6 --reason '\.\.\.' \(and flatmap-stream@0\.1\.1\)/,
      );
      expect(hashes(dir)).toEqual(before);
      expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'previews a benign upgrade with exit 0 and, with --then-run, installs it',
    async () => {
      const dir = await project({ 'tiny-lib': '1.0.0' });
      const before = hashes(dir);
      const preview = await depguard(['preview', '--', 'npm', 'install', 'tiny-lib@1.0.1'], dir);
      expect(preview.stderr).toBe('');
      expect(preview.stdout).toMatch(/tiny-lib|no findings|PASS/i);
      expect(preview.code).toBe(0);
      expect(hashes(dir)).toEqual(before);

      const r = await depguard(['preview', '--then-run', '--', 'npm', 'install', 'tiny-lib@1.0.1'], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).not.toContain('differs from the one previewed');
      expect(JSON.parse(readFileSync(path.join(dir, 'node_modules', 'tiny-lib', 'package.json'), 'utf8')).version).toBe('1.0.1');
      const lock = JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
      expect(lock.packages['node_modules/tiny-lib'].version).toBe('1.0.1');
      expect(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).dependencies['tiny-lib']).toBe('^1.0.1');
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'previews a new package with an install script without running it',
    async () => {
      const dir = await project({ 'tiny-lib': '1.0.0' });
      const before = hashes(dir);
      const r = await depguard(['preview', '--', 'npm', 'install', 'marker-pkg@1.0.1'], dir);
      expect(r.stdout).toMatch(/low +install-script-added +new package runs code at install/);
      expect(r.code).toBe(0);
      expect(existsSync(marker)).toBe(false);
      expect(hashes(dir)).toEqual(before);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'previews an update that starts running an install script without running it; --then-run refuses it; --force runs it (the marker is real)',
    async () => {
      const dir = await project({ 'marker-pkg': '1.0.0' }, { 'marker-pkg': '^1.0.0' });
      const before = hashes(dir);
      const preview = await depguard(['preview', '--', 'npm', 'update', 'marker-pkg'], dir);
      expect(preview.stdout).toMatch(/high +install-script-added +adds install:/);
      expect(preview.code).toBe(1);
      expect(existsSync(marker)).toBe(false);

      const refused = await depguard(['preview', '--then-run', '--', 'npm', 'update', 'marker-pkg'], dir);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^depguard: npm update marker-pkg was not run: the preview has findings at or above high/);
      expect(existsSync(marker)).toBe(false);
      expect(hashes(dir)).toEqual(before);
      expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);

      // the same command run for real does write the marker: the checks above could fail
      const forced = await depguard(['preview', '--then-run', '--force', '--', 'npm', 'update', 'marker-pkg'], dir);
      expect(forced.code).toBe(0);
      expect(readFileSync(marker, 'utf8')).toBe('ran');
    },
    TEST_TIMEOUT_MS,
  );
  it(
    'previews a git dependency whose prepare and install scripts would write markers, without running either',
    async () => {
      const marks = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-marker-'));
      const repo = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-gitdep-'));
      const scripts = { prepare: writes(path.join(marks, 'prepared')).install, ...writes(path.join(marks, 'installed')) };
      writeFileSync(path.join(repo, 'package.json'), JSON.stringify({ name: 'git-dep', version: '1.0.0', scripts }));
      commitAll(repo, 'git-dep');
      const dir = await project({ 'tiny-lib': '1.0.0' });
      const before = hashes(dir);
      const r = await depguard(['preview', '--', 'npm', 'install', `git+file://${repo}`], dir);
      expect(r.stdout).toMatch(/high +source-changed +installed from git \(git\+file:/);
      expect(r.code).toBe(1);
      expect(readdirSync(marks)).toEqual([]);
      expect(hashes(dir)).toEqual(before);
      // installed for real, both scripts run: the checks above could fail
      const forced = await depguard(['preview', '--then-run', '--force', '--', 'npm', 'install', `git+file://${repo}`], dir);
      expect(forced.code, forced.stderr).toBe(0);
      expect(readdirSync(marks).sort()).toEqual(['installed', 'prepared']);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    '--then-run installs the lockfile that was judged, not what the registry offers a moment later',
    async () => {
      // once the preview's lockfile is written and judged (its advisory request), 1.0.2 appears with an install script
      const late = path.join(mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-marker-')), 'late-release-ran');
      const releases = [
        { version: '1.0.0', time: '2020-01-01T00:00:00.000Z' },
        { version: '1.0.1', time: '2020-02-01T00:00:00.000Z' },
      ];
      const docs = new Map([['moving-lib', spec('moving-lib', releases)]]);
      const moving = await startRegistry(docs, {
        localTarballs: true,
        fault: (_req: unknown, url: URL) => {
          if (url.pathname.endsWith('/advisories/bulk'))
            docs.set(
              'moving-lib',
              spec('moving-lib', [...releases, { version: '1.0.2', time: '2020-03-01T00:00:00.000Z', scripts: writes(late) }]),
            );
          return undefined;
        },
      });
      try {
        const dir = await project({ 'moving-lib': '1.0.0' }, { 'moving-lib': '^1.0.0' }, moving.url);
        const r = await depguard(['preview', '--then-run', '--', 'npm', 'update', 'moving-lib'], dir, {
          npm_config_registry: moving.url,
        });
        expect(r.code).toBe(0);
        expect(docs.get('moving-lib')?.versions['1.0.2']).toBeDefined();
        expect(JSON.parse(readFileSync(path.join(dir, 'node_modules', 'moving-lib', 'package.json'), 'utf8')).version).toBe('1.0.1');
        expect(JSON.parse(readFileSync(path.join(dir, 'package-lock.json'), 'utf8')).packages['node_modules/moving-lib'].version).toBe(
          '1.0.1',
        );
        expect(existsSync(late)).toBe(false);
        expect(r.stderr).toContain(
          'depguard: installing what npm update moving-lib locked in the preview: package-lock.json written as previewed, then npm ci',
        );
      } finally {
        await moving.close();
      }
    },
    TEST_TIMEOUT_MS,
  );
});

describe('depguard preview, judged as the project says', () => {
  it(
    "applies the project's policy (failOn) and its git repository's paths, from a workspace folder",
    async () => {
      // a workspace of a monorepo in git, with a policy that fails only on critical
      const repo = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-repo-'));
      writeFileSync(
        path.join(repo, 'package.json'),
        `${JSON.stringify({ name: 'mono', private: true, workspaces: ['packages/*'] }, null, 2)}\n`,
      );
      mkdirSync(path.join(repo, 'packages', 'app'), { recursive: true });
      writeFileSync(path.join(repo, 'depguard.config.json'), '{ "failOn": "critical" }\n');
      // exact first, then widened: the lockfile keeps 1.0.0
      for (const range of ['1.0.0', '^1.0.0']) {
        writeFileSync(
          path.join(repo, 'packages', 'app', 'package.json'),
          `${JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { 'marker-pkg': range } }, null, 2)}\n`,
        );
        await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
          cwd: repo,
          env: { PATH: process.env.PATH, HOME: home, npm_config_registry: registry.url },
          timeout: SPAWN_TIMEOUT_MS,
        });
      }
      commitAll(repo, 'base');
      const before = hashes(repo);
      const app = path.join(repo, 'packages', 'app');
      const r = await depguard(['preview', '--format', 'json', '--', 'npm', 'update', 'marker-pkg'], app);
      const json = JSON.parse(r.stdout) as {
        policy: { source: string };
        findings: Array<{ ruleId: string; severity: string; location: { file: string } }>;
      };
      expect(json.findings.map((f) => [f.ruleId, f.severity])).toContainEqual(['install-script-added', 'high']);
      expect(json.policy.source).toMatch(/depguard\.config\.json$/);
      expect(new Set(json.findings.map((f) => f.location.file))).toEqual(new Set(['package-lock.json']));
      expect(r.code).toBe(0);
      expect(hashes(repo)).toEqual(before);
      expect(existsSync(path.join(repo, 'node_modules'))).toBe(false);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('depguard preview refuses', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await project({ 'tiny-lib': '1.0.0' });
  }, TEST_TIMEOUT_MS);

  it.each([
    [
      ['npm', 'ci'],
      "depguard: preview runs the npm commands that change the lockfile (install, add, update, uninstall, remove, dedupe), not 'npm ci'\n",
    ],
    [['npm', 'exec', 'left-pad'], /^depguard: preview runs the npm commands .* not 'npm exec'\n$/],
    [['npm', 'run', 'build'], /not 'npm run'\n$/],
    [['npm', 'install', '-g', 'left-pad'], "depguard: preview refuses npm's -g: a global install has no project lockfile\n"],
    [['npm', 'install', '-gD', 'left-pad'], "depguard: preview refuses npm's -gD: a global install has no project lockfile\n"],
    [['npm', 'install', '--global', 'left-pad'], "depguard: preview refuses npm's --global: a global install has no project lockfile\n"],
    [
      ['npm', 'install', '--ignore-scripts=false'],
      "depguard: preview refuses npm's --ignore-scripts: scripts are always off in the preview\n",
    ],
    [['npm', 'install', '--no-package-lock'], "depguard: preview refuses npm's --no-package-lock: the preview only writes the lockfile\n"],
    [
      ['npm', 'install', '--prefix', '/tmp/elsewhere'],
      "depguard: preview refuses npm's --prefix: the manager runs in the copy of the project\n",
    ],
    [['npm', 'install', '--registry=https://evil.example/'], /^depguard: preview refuses npm's --registry: pass depguard's own --registry/],
    [['pnpm', 'add', 'left-pad', '--config.ignore-scripts=false'], /^depguard: preview refuses pnpm's --config\.ignore-scripts/],
    [['bun', 'add', '--trust', 'left-pad'], "depguard: preview refuses bun's --trust: it runs install scripts\n"],
    [['npx', 'left-pad'], "depguard: preview runs npm, pnpm, yarn, bun, not 'npx' (e.g. depguard preview -- npm install left-pad)\n"],
  ])('%j', async (words, message) => {
    const before = hashes(dir);
    const r = await depguard(['preview', '--', ...words], dir);
    expect(r.code).toBe(2);
    if (typeof message === 'string') expect(r.stderr).toBe(message);
    else expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(hashes(dir)).toEqual(before);
  });

  it('--force without --then-run', async () => {
    const r = await depguard(['preview', '--force', '--', 'npm', 'install', 'tiny-lib'], dir);
    expect(r).toMatchObject({ code: 2, stderr: 'depguard: --force goes with --then-run (it runs the command whatever the verdict)\n' });
  });

  it('a package manager other than the one that locked the project', async () => {
    const r = await depguard(['preview', '--', 'pnpm', 'add', 'tiny-lib'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `depguard: the project in ${realDir(dir)} is locked by package-lock.json, not by pnpm: preview with the package manager that wrote it\n`,
    );
  });

  it('a missing package manager, in one line naming it', async () => {
    const bunProject = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-bun-'));
    writeFileSync(path.join(bunProject, 'package.json'), '{ "name": "app", "version": "1.0.0" }\n');
    writeFileSync(
      path.join(bunProject, 'bun.lock'),
      '{\n  "lockfileVersion": 1,\n  "workspaces": {\n    "": {\n      "name": "app",\n    },\n  },\n  "packages": {},\n}\n',
    );
    const r = await depguard(['preview', '--', 'bun', 'add', 'tiny-lib'], bunProject, { PATH: path.join(bunProject, 'no-such-bin') });
    expect(r).toMatchObject({
      code: 2,
      stdout: '',
      stderr: 'depguard: bun is not installed (not found on PATH): install it, or enable Corepack (corepack enable), and preview again\n',
    });
  });

  it('Yarn 1, which has no lockfile-only mode, without running anything but yarn --version', async () => {
    const yarnProject = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-yarn1-'));
    writeFileSync(path.join(yarnProject, 'package.json'), '{ "name": "app", "version": "1.0.0" }\n');
    writeFileSync(
      path.join(yarnProject, 'yarn.lock'),
      '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n\n',
    );
    const bin = path.join(yarnProject, 'bin');
    mkdirSync(bin);
    const ran = path.join(yarnProject, 'yarn-ran');
    // a stand-in Yarn 1: says its version, and records any other call
    writeFileSync(
      path.join(bin, 'yarn'),
      `#!/bin/sh\nif [ "$1" = "--version" ]; then echo 1.22.22; exit 0; fi\necho "$@" > ${JSON.stringify(ran)}\n`,
    );
    chmodSync(path.join(bin, 'yarn'), 0o755);
    const r = await depguard(['preview', '--', 'yarn', 'add', 'tiny-lib'], yarnProject, {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    });
    expect(r).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'depguard: yarn 1.22.22 (Yarn 1) has no lockfile-only mode: preview refuses rather than install (use Yarn Berry, or depguard diff after the install)\n',
    });
    expect(existsSync(ran)).toBe(false);
  });
});

/**
 * The package manager as the project runs it, with stand-ins that record how they were called
 * (and fail, so nothing is judged): the one on PATH, Corepack's shim, or Corepack for a pin.
 */
describe('depguard preview finds the package manager as the project would', () => {
  /** A pnpm project pinning `pin`, and a bin folder of stand-ins: each records its arguments in `<name>.args`. */
  function pinned(pin: string): { dir: string; bin: string; calls: (name: string) => string[] } {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-pin-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', packageManager: pin }));
    writeFileSync(path.join(dir, 'pnpm-lock.yaml'), "lockfileVersion: '9.0'\n\nimporters:\n\n  .: {}\n");
    const bin = path.join(dir, 'bin');
    mkdirSync(bin);
    const calls = (name: string): string[] => {
      const file = path.join(dir, `${name}.args`);
      return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
    };
    return { dir, bin, calls };
  }
  /** A stand-in that says `version` when asked, and otherwise records the call and fails. */
  function standIn(file: string, record: string, version: string): void {
    writeFileSync(
      file,
      `#!/bin/sh\necho "$*" >> ${JSON.stringify(record)}\nif [ "$1" = "--version" ]; then echo ${version}; exit 0; fi\necho "stand-in: not run" >&2\nexit 1\n`,
    );
    chmodSync(file, 0o755);
  }

  it('the one on PATH when it is the pinned version', async () => {
    const { dir, bin, calls } = pinned('pnpm@10.34.9');
    standIn(path.join(bin, 'pnpm'), path.join(dir, 'pnpm.args'), '10.34.9');
    standIn(path.join(bin, 'corepack'), path.join(dir, 'corepack.args'), '0.34.0');
    const r = await depguard(['preview', '--', 'pnpm', 'add', 'tiny-lib'], dir, { PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^depguard: pnpm add tiny-lib failed in the temporary copy \(exit 1\), nothing was judged: stand-in: not run\n$/,
    );
    expect(calls('pnpm')).toEqual(['--version', 'add tiny-lib --lockfile-only --ignore-scripts --ignore-pnpmfile']);
    expect(calls('corepack')).toEqual([]);
  });

  it('Corepack, asked for the pinned version, when the one on PATH is another', async () => {
    const { dir, bin, calls } = pinned('pnpm@9.15.0+sha512.abc');
    standIn(path.join(bin, 'pnpm'), path.join(dir, 'pnpm.args'), '10.34.9');
    standIn(path.join(bin, 'corepack'), path.join(dir, 'corepack.args'), '0.34.0');
    const r = await depguard(['preview', '--', 'pnpm', 'add', 'tiny-lib'], dir, { PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    expect(r.code).toBe(2);
    expect(calls('pnpm')).toEqual(['--version']);
    expect(calls('corepack')).toEqual(['pnpm@9.15.0 add tiny-lib --lockfile-only --ignore-scripts --ignore-pnpmfile']);
  });

  it("Corepack's shim on PATH, which runs the pinned version itself, without asking its version", async () => {
    const { dir, bin, calls } = pinned('pnpm@9.15.0');
    const shims = path.join(dir, 'lib', 'corepack', 'shims');
    mkdirSync(shims, { recursive: true });
    standIn(path.join(shims, 'pnpm'), path.join(dir, 'pnpm.args'), '9.15.0');
    symlinkSync(path.join(shims, 'pnpm'), path.join(bin, 'pnpm'));
    const r = await depguard(['preview', '--', 'pnpm', 'add', 'tiny-lib'], dir, { PATH: `${bin}${path.delimiter}${process.env.PATH}` });
    expect(r.code).toBe(2);
    expect(calls('pnpm')).toEqual(['add tiny-lib --lockfile-only --ignore-scripts --ignore-pnpmfile']);
  });

  it('a pinned manager that is nowhere, in one line naming the pin', async () => {
    const { dir, bin } = pinned('pnpm@9.15.0');
    const r = await depguard(['preview', '--', 'pnpm', 'add', 'tiny-lib'], dir, { PATH: bin });
    expect(r).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'depguard: pnpm is not installed (not found on PATH; the project pins pnpm@9.15.0): install it, or enable Corepack (corepack enable), and preview again\n',
    });
  });
});

function realDir(dir: string): string {
  return execFileSync('realpath', [dir], { encoding: 'utf8' }).trim();
}

describe('depguard preview, stopped', () => {
  it(
    'Ctrl-C while the package manager runs: it is stopped, the copy removed, exit 130, the project untouched',
    async () => {
      const dir = await project({ 'tiny-lib': '1.0.0' });
      const before = hashes(dir);
      const bin = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-bin-'));
      // a stand-in npm that says where it runs and waits
      writeFileSync(path.join(bin, 'npm'), '#!/bin/sh\necho "$PWD" > "$PWD/started"\nexec sleep 60\n');
      chmodSync(path.join(bin, 'npm'), 0o755);
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-tmp-'));
      const child = spawn(process.execPath, [BIN, 'preview', '--', 'npm', 'install', 'tiny-lib@1.0.1'], {
        cwd: dir,
        env: { PATH: `${bin}${path.delimiter}${process.env.PATH}`, HOME: home, NO_COLOR: '1', TMPDIR: tmp },
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      const copy = await new Promise<string>((resolve, reject) => {
        const started = Date.now();
        const poll = setInterval(() => {
          const found = readdirSync(tmp).find((n) => n.startsWith('depguard-preview-') && existsSync(path.join(tmp, n, 'started')));
          if (found !== undefined) {
            clearInterval(poll);
            resolve(path.join(tmp, found));
          } else if (Date.now() - started > SPAWN_TIMEOUT_MS) {
            clearInterval(poll);
            child.kill('SIGKILL');
            reject(new Error(`the stand-in npm never started\n${stderr}`));
          }
        }, 50);
      });
      expect(readdirSync(copy).sort()).toEqual(['package-lock.json', 'package.json', 'started']);
      child.kill('SIGINT');
      expect(await closed).toBe(130);
      expect(stderr).toMatch(/^depguard: interrupted: nothing was run in the project\n$/);
      expect(copiesLeft(tmp)).toEqual([]);
      expect(hashes(dir)).toEqual(before);
    },
    TEST_TIMEOUT_MS,
  );
});

describe('the README shell integration', () => {
  const block = readmeBlocks().find((b) => b.lang === 'bash' && b.heading === '### Every install checked: shell integration');

  /** The snippet sourced by bash, with stand-ins for npx and the package managers that say how they were called. */
  async function wrapped(line: string): Promise<string> {
    const bin = mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-shell-'));
    for (const name of ['npx', 'npm', 'pnpm', 'yarn', 'bun']) {
      writeFileSync(path.join(bin, name), `#!/bin/sh\necho "${name} $*"\n`);
      chmodSync(path.join(bin, name), 0o755);
    }
    const snippet = path.join(bin, 'snippet.bash');
    writeFileSync(snippet, block!.body);
    const r = await run('bash', ['-c', `. ${JSON.stringify(snippet)}; ${line}`], {
      env: { PATH: `${bin}${path.delimiter}/usr/bin${path.delimiter}/bin` },
      timeout: SPAWN_TIMEOUT_MS,
    });
    return r.stdout;
  }

  it('parses (bash -n)', async () => {
    expect(block).toBeDefined();
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'depguard-preview-shell-')), 'snippet.bash');
    writeFileSync(file, block!.body);
    await expect(run('bash', ['-n', file], { timeout: SPAWN_TIMEOUT_MS })).resolves.toMatchObject({ stderr: '' });
  });

  it.each([
    ['npm install left-pad', 'npx --no-install depguard preview --then-run -- npm install left-pad\n'],
    ['npm i -D left-pad', 'npx --no-install depguard preview --then-run -- npm i -D left-pad\n'],
    ['pnpm add left-pad', 'npx --no-install depguard preview --then-run -- pnpm add left-pad\n'],
    ['yarn up lodash', 'npx --no-install depguard preview --then-run -- yarn up lodash\n'],
    ['bun add "left pad"', 'npx --no-install depguard preview --then-run -- bun add left pad\n'],
    ['npm update', 'npx --no-install depguard preview --then-run -- npm update\n'],
    ['npm run build', 'npm run build\n'],
    ['npm install -g left-pad', 'npm install -g left-pad\n'],
    ['pnpm exec tsc', 'pnpm exec tsc\n'],
  ])('%s', async (line, expected) => {
    expect(await wrapped(line)).toBe(expected);
  });
});

/**
 * pnpm, Yarn Berry and Bun, at the versions the lockfile fixtures are made with, installed from
 * the npm registry into .fixture-tools/preview (git-ignored) on first use; skipped where that
 * fails (no registry, no Bun binary for this platform), as the issue asks for them where the
 * machine has them.
 */
describe.each([
  { manager: 'pnpm', lockfile: 'pnpm-lock.yaml', add: ['add'], files: {} },
  {
    manager: 'yarn',
    lockfile: 'yarn.lock',
    add: ['up'],
    files: { '.yarnrc.yml': 'unsafeHttpWhitelist:\n  - "127.0.0.1"\nenableTelemetry: false\nnodeLinker: node-modules\n' },
  },
  { manager: 'bun', lockfile: 'bun.lock', add: ['add'], files: {} },
] as const)('depguard preview -- $manager', ({ manager, lockfile, add, files }) => {
  let bin: string | null = null;
  beforeAll(async () => {
    const dir = path.join(ROOT, '.fixture-tools', 'preview');
    const stamp = path.join(dir, 'installed.json');
    const wanted = JSON.stringify(TOOLS);
    if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted) {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
      try {
        await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--no-package-lock', ...TOOLS], {
          cwd: dir,
          timeout: SPAWN_TIMEOUT_MS,
        });
      } catch {
        return; // no registry here: the tests below say they were skipped
      }
      writeFileSync(stamp, wanted);
    }
    if (manager !== 'bun') {
      bin = path.join(dir, 'node_modules', '.bin');
      return;
    }
    // bun's binary ships in its @oven/bun-<os>-<cpu> optional dependency (the skipped postinstall only links it)
    const arch = process.arch === 'arm64' ? 'aarch64' : 'x64';
    const binary = path.join(dir, 'node_modules', '@oven', `bun-${process.platform}-${arch}`, 'bin', 'bun');
    if (!existsSync(binary)) return;
    const linked = path.join(dir, 'bun-bin');
    mkdirSync(linked, { recursive: true });
    if (!existsSync(path.join(linked, 'bun'))) symlinkSync(binary, path.join(linked, 'bun'));
    bin = linked;
  }, TEST_TIMEOUT_MS);

  const env = (): NodeJS.ProcessEnv => ({ PATH: `${bin}${path.delimiter}${process.env.PATH}` });

  /** A project locked by the manager itself (lockfile only) against the fixture registry. */
  async function managerProject(dependencies: Record<string, string>): Promise<string> {
    const dir = mkdtempSync(path.join(os.tmpdir(), `depguard-preview-${manager}-`));
    writeFileSync(
      path.join(dir, 'package.json'),
      // pinned at the version on PATH, which is then run as it is
      `${JSON.stringify({ name: 'app', version: '1.0.0', private: true, packageManager: PINS[manager], dependencies }, null, 2)}\n`,
    );
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
    const args = {
      pnpm: ['install', '--lockfile-only', '--ignore-scripts', '--config.minimum-release-age=0'],
      yarn: ['install', '--mode', 'update-lockfile'],
      bun: ['install', '--lockfile-only', '--ignore-scripts'],
    }[manager];
    if (manager === 'yarn') writeFileSync(path.join(dir, 'yarn.lock'), '');
    await run(path.join(bin!, manager), args, {
      cwd: dir,
      env: {
        PATH: env().PATH,
        HOME: home,
        npm_config_registry: registry.url,
        YARN_NPM_REGISTRY_SERVER: registry.url.replace(/\/$/, ''),
        BUN_CONFIG_REGISTRY: registry.url,
        YARN_ENABLE_SCRIPTS: '0',
      },
      timeout: SPAWN_TIMEOUT_MS,
    });
    expect(existsSync(path.join(dir, lockfile))).toBe(true);
    return dir;
  }

  it(
    'previews event-stream@3.3.6 over 3.3.4: exit 1 with the incident findings, the project untouched',
    async (context) => {
      if (bin === null) context.skip();
      const dir = await managerProject({ 'event-stream': '3.3.4' });
      const before = hashes(dir);
      const r = await depguard(['preview', '--', manager, ...add, 'event-stream@3.3.6'], dir, env());
      expectIncidentPreviewed(r, dir, before, `${lockfile} -> ${lockfile} after ${manager} ${add[0]} event-stream@3.3.6`);
    },
    TEST_TIMEOUT_MS,
  );

  it(
    'previews a benign upgrade with exit 0, and --then-run installs it as previewed',
    async (context) => {
      if (bin === null) context.skip();
      const dir = await managerProject({ 'tiny-lib': '1.0.0' });
      const before = hashes(dir);
      const preview = await depguard(['preview', '--', manager, ...add, 'tiny-lib@1.0.1'], dir, env());
      expect(preview.code).toBe(0);
      expect(hashes(dir)).toEqual(before);
      const r = await depguard(['preview', '--then-run', '--', manager, ...add, 'tiny-lib@1.0.1'], dir, env());
      expect(r.code).toBe(0);
      expect(readFileSync(path.join(dir, lockfile), 'utf8')).toMatch(/tiny-lib@(npm:)?1\.0\.1/);
      expect(JSON.parse(readFileSync(path.join(dir, 'node_modules', 'tiny-lib', 'package.json'), 'utf8')).version).toBe('1.0.1');
      expect(r.stderr).toContain(`depguard: installing what ${manager} ${add[0]} tiny-lib@1.0.1 locked in the preview:`);
      expect(r.stderr).not.toContain('differs from the one previewed');
    },
    TEST_TIMEOUT_MS,
  );
});
