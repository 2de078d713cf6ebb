import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffTrees } from '../../src/diff/diff-trees.js';
import { LockfileError, UsageError } from '../../src/errors.js';
import { findLockfile } from '../../src/lockfile/detect.js';
import { loadSnapshot } from '../../src/lockfile/load.js';
import { describeSource, readSource, type LockSource } from '../../src/lockfile/source.js';
import type { Snapshot } from '../../src/model.js';
import { fixture } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';

const MAX = 256 * 1024 * 1024;
/** fixtures/<scenario>/<manager>/{base,head}, made by scripts/make-fixtures.mjs with the real tools. */
const MANAGERS = ['pnpm', 'pnpm-v6', 'yarn-classic', 'yarn-berry', 'bun'] as const;
const FORMAT = { pnpm: 'pnpm', 'pnpm-v6': 'pnpm', 'yarn-classic': 'yarn-classic', 'yarn-berry': 'yarn-berry', bun: 'bun' } as const;

async function load(source: LockSource, cwd = os.tmpdir()): Promise<Snapshot> {
  return loadSnapshot(await readSource(source, cwd, MAX));
}

/** A side of a scenario as a directory source: the lockfile is found the way the CLI finds it. */
async function side(scenario: string, manager: string | null, which: 'base' | 'head'): Promise<Snapshot> {
  const dir = manager === null ? fixture(scenario, which) : fixture(scenario, manager, which);
  return load({ kind: 'file', ...findLockfile(dir) });
}

/** What the acceptance criteria compare: the change set, without format-specific resolved/integrity. */
function changeSet(base: Snapshot, head: Snapshot): unknown[] {
  return diffTrees(base, head).map((c) => ({
    kind: c.kind,
    name: c.name,
    from: c.before?.version ?? null,
    to: c.after?.version ?? null,
    direct: c.direct,
    dev: c.dev,
    optional: c.optional,
    newName: c.newName,
    paths: c.paths,
  }));
}

function packages(s: Snapshot): string[] {
  return s.nodes
    .filter((n) => n.location.includes('node_modules/') && !n.isLink)
    .map((n) => `${n.packageName}@${n.version}`)
    .sort();
}

describe('pnpm, Yarn and Bun lockfiles give the snapshot npm gives', () => {
  for (const manager of MANAGERS) {
    it(`${manager}: the event-stream update is the same change set as package-lock.json's`, async () => {
      const npm = changeSet(await side('event-stream', null, 'base'), await side('event-stream', null, 'head'));
      const base = await side('event-stream', manager, 'base');
      const head = await side('event-stream', manager, 'head');
      expect(head.format).toBe(FORMAT[manager]);
      expect(packages(head)).toEqual(packages(await side('event-stream', null, 'head')));
      expect(changeSet(base, head)).toEqual(npm);
      expect(npm).toHaveLength(2);
    });

    it(`${manager}: a workspace's update is attributed to it, and the workspaces are not packages`, async () => {
      const npm = changeSet(await side('workspaces', null, 'base'), await side('workspaces', null, 'head'));
      const base = await side('workspaces', manager, 'base');
      const head = await side('workspaces', manager, 'head');
      expect(head.nodes.find((n) => n.location === 'packages/api')).toMatchObject({
        isWorkspace: true,
        packageName: '@acme/api',
        version: '1.0.0',
      });
      expect(head.nodes.find((n) => n.location === 'node_modules/@acme/web')).toMatchObject({
        isLink: true,
        isWorkspace: true,
        target: 'packages/web',
      });
      expect(head.edges).toContainEqual(expect.objectContaining({ from: '', to: 'node_modules/@acme/api', type: 'workspace' }));
      const changes = changeSet(base, head);
      expect(changes).toEqual(npm);
      expect(changes[0]).toMatchObject({
        name: 'event-stream',
        direct: true,
        paths: [[{ name: 'monorepo' }, { name: '@acme/api' }, { name: 'event-stream', version: '3.3.6' }]],
      });
      // a devDependency of a workspace only: dev, as npm says
      const edge = head.edges.find((e) => e.from === 'packages/web' && e.name === 'split')!;
      expect(edge.type).toBe('dev');
      const split = head.nodes.find((n) => n.location === edge.to)!;
      // npm, pnpm and Bun share split@0.3.2 with event-stream (prod); Yarn gives event-stream 0.3.3
      expect(split.dev).toBe(!head.edges.some((e) => e.to === split.location && e.type === 'prod'));
      expect(split.dev).toBe(manager.startsWith('yarn'));
    });
  }

  it('pnpm v9 records no install scripts; pnpm v6 (requiresBuild) and Bun do', async () => {
    const script = async (manager: string): Promise<boolean | undefined> =>
      (await side('patterns', manager, 'head')).nodes.find((n) => n.packageName === 'scope-lint')?.hasInstallScript;
    expect(await script('pnpm-v6')).toBe(true);
    expect(await script('bun')).toBe(true);
    expect(await script('pnpm')).toBe(false);
    expect(await script('yarn-classic')).toBe(false);
    expect(await script('yarn-berry')).toBe(false);
  });

  it('maps resolved and integrity as each format records them', async () => {
    const es = async (manager: string) =>
      (await side('event-stream', manager, 'head')).nodes.find((n) => n.packageName === 'event-stream')!;
    const url = 'https://registry.npmjs.org/event-stream/-/event-stream-3.3.6.tgz';
    expect(await es('pnpm')).toMatchObject({ resolved: null, integrity: expect.stringMatching(/^sha512-/) });
    expect(await es('yarn-classic')).toMatchObject({ resolved: url, integrity: expect.stringMatching(/^sha512-/) });
    expect(await es('bun')).toMatchObject({ resolved: url, integrity: expect.stringMatching(/^sha512-/) });
    // Berry's checksum hashes Yarn's own zip archive: not an integrity npm or the registry knows
    expect(await es('yarn-berry')).toMatchObject({ resolved: null, integrity: null });
  });

  it('reads the lockfiles at a git revision, workspace manifests included', async () => {
    const repo = tempRepo();
    for (const which of ['base', 'head'] as const) {
      const from = fixture('workspaces', 'yarn-berry', which);
      for (const file of ['package.json', 'yarn.lock', 'packages/api/package.json', 'packages/web/package.json']) {
        mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
        copyFileSync(path.join(from, file), path.join(repo, file));
      }
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', which);
    }
    const lock = path.join(repo, 'yarn.lock');
    const base = await load({ kind: 'git', rev: 'HEAD~1', file: lock }, repo);
    const head = await load({ kind: 'git', rev: 'HEAD', file: lock }, repo);
    expect(base.nodes.find((n) => n.location === 'packages/web')?.version).toBe('1.0.0');
    expect(changeSet(base, head)).toEqual(changeSet(await side('workspaces', null, 'base'), await side('workspaces', null, 'head')));
  });
});

describe('a workspace that depends on another workspace', () => {
  const manifests = {
    'packages/api': JSON.stringify({ name: '@acme/api', version: '1.0.0' }),
    'packages/web': JSON.stringify({ name: '@acme/web', version: '2.0.0' }),
  };
  const lockfiles: Array<[string, string]> = [
    [
      'pnpm-lock.yaml',
      [
        "lockfileVersion: '9.0'",
        'importers:',
        '  .: {}',
        '  packages/api: {}',
        '  packages/web:',
        '    dependencies:',
        "      '@acme/api':",
        "        specifier: 'workspace:*'",
        '        version: link:../api',
        '',
      ].join('\n'),
    ],
    [
      'bun.lock',
      JSON.stringify({
        lockfileVersion: 1,
        workspaces: {
          '': { name: 'mono' },
          'packages/api': { name: '@acme/api', version: '1.0.0' },
          'packages/web': { name: '@acme/web', version: '2.0.0', dependencies: { '@acme/api': 'workspace:*' } },
        },
        packages: { '@acme/api': ['@acme/api@workspace:packages/api'], '@acme/web': ['@acme/web@workspace:packages/web'] },
      }),
    ],
    [
      'yarn.lock',
      [
        '__metadata:',
        '  version: 8',
        '',
        '"mono@workspace:.":',
        '  version: 0.0.0-use.local',
        '  resolution: "mono@workspace:."',
        '',
        '"@acme/api@workspace:^, @acme/api@workspace:packages/api":',
        '  version: 0.0.0-use.local',
        '  resolution: "@acme/api@workspace:packages/api"',
        '',
        '"@acme/web@workspace:packages/web":',
        '  version: 0.0.0-use.local',
        '  resolution: "@acme/web@workspace:packages/web"',
        '  dependencies:',
        '    "@acme/api": "workspace:^"',
        '',
      ].join('\n'),
    ],
  ];
  for (const [fileName, lockfile] of lockfiles) {
    it(`${fileName}: links to it, it is not a package, and moving it is not a change`, async () => {
      const load = (text: string, ws: Record<string, string>): Promise<Snapshot> =>
        loadSnapshot({
          label: fileName,
          fileName,
          lockfile: text,
          packageJson: JSON.stringify({ name: 'mono', workspaces: ['packages/*', 'apps/*'] }),
          workspaceManifests: ws,
        });
      const s = await load(lockfile, manifests);
      expect(s.edges).toContainEqual(expect.objectContaining({ from: 'packages/web', name: '@acme/api', to: 'node_modules/@acme/api' }));
      expect(s.nodes.find((n) => n.location === 'packages/web')).toMatchObject({ isWorkspace: true, version: '2.0.0' });
      const moved = await load(lockfile.replaceAll('packages/web', 'apps/web'), {
        'packages/api': manifests['packages/api'],
        'apps/web': manifests['packages/web'],
      });
      expect(moved.nodes.find((n) => n.location === 'apps/web')).toMatchObject({ isWorkspace: true });
      expect(diffTrees(s, moved)).toEqual([]);
      expect(s.nodes.filter((n) => n.location.includes('node_modules/') && !n.isLink)).toEqual([]);
    });
  }
});

describe('npm: aliases and Yarn patch: protocols', () => {
  it('an npm: alias is the real package, installed under its alias', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'alias-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'app', dependencies: { 'my-through': 'npm:through@^2.3.8' } }));
    writeFileSync(
      path.join(dir, 'yarn.lock'),
      [
        '# yarn lockfile v1',
        '',
        '"my-through@npm:through@^2.3.8":',
        '  version "2.3.8"',
        '  resolved "https://registry.yarnpkg.com/through/-/through-2.3.8.tgz#0dd4c9ffaabc357960b1b724115d7e0e86a2e1f5"',
        '  integrity sha512-aa==',
        '',
      ].join('\n'),
    );
    const s = await load({ kind: 'file', file: path.join(dir, 'yarn.lock') });
    expect(s.nodes.find((n) => n.packageName === 'through')).toMatchObject({ name: 'my-through', version: '2.3.8' });
    const pnpm = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      my-through:',
      '        specifier: npm:through@^2.3.8',
      '        version: through@2.3.8',
      'packages:',
      '  through@2.3.8:',
      '    resolution: {integrity: sha512-aa==}',
      'snapshots:',
      '  through@2.3.8: {}',
      '',
    ].join('\n');
    writeFileSync(path.join(dir, 'pnpm-lock.yaml'), pnpm);
    const p = await load({ kind: 'file', file: path.join(dir, 'pnpm-lock.yaml') });
    expect(p.nodes.find((n) => n.packageName === 'through')).toMatchObject({
      name: 'my-through',
      version: '2.3.8',
      location: 'node_modules/.pnpm/through@2.3.8/node_modules/my-through',
    });
    expect(diffTrees(s, p)).toEqual([]);
  });

  it('a Berry patch: is the npm package and version it patches, with the patch as its source', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'patch-'));
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({ name: 'app', dependencies: { 'left-pad': 'patch:left-pad@npm%3A1.3.0#./left-pad.patch', resolve: '^1.22.8' } }),
    );
    const lock = (hash: string): string =>
      [
        '__metadata:',
        '  version: 8',
        '',
        '"app@workspace:.":',
        '  version: 0.0.0-use.local',
        '  resolution: "app@workspace:."',
        '  dependencies:',
        '    left-pad: "patch:left-pad@npm%3A1.3.0#./left-pad.patch"',
        '    resolve: "patch:resolve@npm%3A^1.22.8#optional!builtin<compat/resolve>"',
        '  languageName: unknown',
        '  linkType: soft',
        '',
        '"left-pad@patch:left-pad@npm%3A1.3.0#./left-pad.patch":',
        '  version: 1.3.0',
        `  resolution: "left-pad@patch:left-pad@npm%3A1.3.0#./left-pad.patch::version=1.3.0&hash=${hash}"`,
        '  languageName: node',
        '  linkType: hard',
        '',
        '"resolve@patch:resolve@npm%3A^1.22.8#optional!builtin<compat/resolve>":',
        '  version: 1.22.8',
        '  resolution: "resolve@patch:resolve@npm%3A1.22.8#optional!builtin<compat/resolve>::version=1.22.8&hash=c3c19d"',
        '  languageName: node',
        '  linkType: hard',
        '',
      ].join('\n');
    writeFileSync(path.join(dir, 'yarn.lock'), lock('aaaaaa'));
    const base = await load({ kind: 'file', file: path.join(dir, 'yarn.lock') });
    expect(base.nodes.find((n) => n.packageName === 'left-pad')).toMatchObject({
      version: '1.3.0',
      resolved: 'patch:left-pad@npm%3A1.3.0#./left-pad.patch',
    });
    // Yarn's own compatibility patches are not the project's: the package reads as from the registry
    expect(base.nodes.find((n) => n.packageName === 'resolve')).toMatchObject({ version: '1.22.8', resolved: null });
    writeFileSync(path.join(dir, 'yarn.lock'), lock('bbbbbb'));
    expect(diffTrees(base, await load({ kind: 'file', file: path.join(dir, 'yarn.lock') }))).toEqual([]);
  });
});

describe('lockfile detection', () => {
  it('prefers npm-shrinkwrap.json > package-lock.json > pnpm-lock.yaml > yarn.lock > bun.lock, and says what it passed over', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'several-'));
    copyFileSync(fixture('event-stream', 'bun', 'head', 'bun.lock'), path.join(dir, 'bun.lock'));
    copyFileSync(fixture('event-stream', 'yarn-classic', 'head', 'yarn.lock'), path.join(dir, 'yarn.lock'));
    expect(findLockfile(dir)).toEqual({ file: path.join(dir, 'yarn.lock'), passedOver: ['bun.lock'] });
    copyFileSync(fixture('event-stream', 'pnpm', 'head', 'pnpm-lock.yaml'), path.join(dir, 'pnpm-lock.yaml'));
    const found = findLockfile(dir);
    expect(path.basename(found.file)).toBe('pnpm-lock.yaml');
    expect(describeSource({ kind: 'file', ...found }, dir)).toBe('pnpm-lock.yaml (chosen over yarn.lock, bun.lock)');
    expect((await load({ kind: 'file', ...found })).format).toBe('pnpm');
  });

  it('tells Yarn v1 from Berry by content, and reads lockfiles under other names by content', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'names-'));
    for (const [manager, file] of [
      ['yarn-classic', 'yarn.lock'],
      ['yarn-berry', 'yarn.lock'],
      ['pnpm', 'pnpm-lock.yaml'],
      ['bun', 'bun.lock'],
    ] as const) {
      const copy = path.join(dir, `${manager}.txt`);
      copyFileSync(fixture('event-stream', manager, 'head', file), copy);
      expect((await load({ kind: 'file', file: copy })).format).toBe(FORMAT[manager]);
    }
  });

  it('names what it reads when a directory has no lockfile', () => {
    expect(() => findLockfile(mkdtempSync(path.join(os.tmpdir(), 'none-')))).toThrow(UsageError);
    expect(() => findLockfile(mkdtempSync(path.join(os.tmpdir(), 'none-')))).toThrow(/pnpm-lock\.yaml.*yarn\.lock.*bun\.lock/);
  });
});

describe('unreadable lockfiles fail with one line, never as an empty tree', () => {
  const pnpmHead = (): string => readFileSync(fixture('event-stream', 'pnpm', 'head', 'pnpm-lock.yaml'), 'utf8');
  const cases: Array<[string, string | Buffer, RegExp]> = [
    ['pnpm-lock.yaml', "lockfileVersion: '9.0'\nimporters:\n  .: {dependencies: {a: {specifier: 1, version: [}}\n", /is not valid YAML/],
    ['pnpm-lock.yaml', "lockfileVersion: '5.4'\n", /pnpm lockfileVersion "5\.4".*reads 6\.x and 9\.x/],
    ['pnpm-lock.yaml', 'just: text\n', /not a pnpm lockfile/],
    ['pnpm-lock.yaml', pnpmBroken(pnpmHead()), /snapshots\["event-stream@3\.3\.6"\]\.dependencies\["duplexer"\] is not a string/],
    ['yarn.lock', '# some other tool\nfoo:\n  bar 1\n', /neither a Yarn v1 lockfile .* nor a Yarn Berry one/],
    ['yarn.lock', '# yarn lockfile v1\n\na@^1:\n  version "1.0.0"\n  dependencies: [\n', /is not a valid yarn\.lock v1/],
    [
      'yarn.lock',
      '# yarn lockfile v1\n\n<<<<<<< HEAD\na@^1:\n  version "1.0.0"\n=======\na@^1:\n  version "1.0.1"\n>>>>>>> theirs\n',
      /merge conflict markers/,
    ],
    [
      'package-lock.json',
      '{\n  "name": "p",\n  "lockfileVersion": 3,\n  "packages": {\n<<<<<<< HEAD\n    "node_modules/a": { "version": "1.0.0" }\n=======\n    "node_modules/a": { "version": "1.0.1" }\n>>>>>>> theirs\n  }\n}\n',
      /merge conflict markers/,
    ],
    [
      'pnpm-lock.yaml',
      "lockfileVersion: '9.0'\n<<<<<<< HEAD\nimporters: {}\n=======\nimporters: {}\n>>>>>>> theirs\n",
      /merge conflict markers/,
    ],
    ['yarn.lock', '__metadata:\n  version: 8\n\n"a@npm:^1":\n  version: 1.0.0\n', /has no resolution/],
    [
      'bun.lock',
      '{ "lockfileVersion": 1, "workspaces": { "": {} }, "packages": { "a": ["a@1.0.0", "", {}, "sha512-x"] ',
      /is not valid bun\.lock JSON/,
    ],
    ['bun.lock', '{ "lockfileVersion": 7, "workspaces": { "": {} }, "packages": {} }', /bun\.lock lockfileVersion 7/],
    [
      'bun.lockb',
      Buffer.from('#!/usr/bin/env bun\nbun-lockfile-format-v0\n\u0000\u0001\u0002'),
      /Bun's binary lockfile.*bun install --save-text-lockfile/,
    ],
    ['notes.txt', 'hello, this is not a lockfile', /is not a lockfile depguard can read \(it reads package-lock\.json/],
  ];
  for (const [name, content, message] of cases) {
    it(`${name}: ${message.source.slice(0, 50)}`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'unreadable-'));
      const file = path.join(dir, name);
      writeFileSync(file, content);
      const error = await load({ kind: 'file', file }, dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LockfileError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    });
  }
});

function pnpmBroken(text: string): string {
  return text.replace(/(event-stream@3\.3\.6:\n {4}dependencies:\n {6}duplexer:) 0\.1\.1/, '$1 [0.1.1]');
}
