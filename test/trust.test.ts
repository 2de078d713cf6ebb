import { mkdtempSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/errors.js';
import { RULE_IDS } from '../src/rules/index.js';
import { decideTrust, lockSourceOf, type TrustRequest } from '../src/trust.js';
import { git, tempRepo } from './helpers/git.js';

/**
 * Who decides what, for each way of naming the two sides (see docs/security.md): the change
 * under review may bring a policy, an .npmrc, a cooldown and lockfiles; they are judged, and
 * never judge it, unless the user chose them.
 */

const LOCK = '{"name":"p","lockfileVersion":3,"requires":true,"packages":{"":{"name":"p"}}}\n';
const BASE_POLICY = '{ "failOn": "high", "rules": { "version-jump": "off" } }\n';
const HEAD_POLICY = '{ "failOn": "critical", "rules": { "publisher-changed": "off" } }\n';
const BASE_NPMRC = 'registry=https://base.example/\nmin-release-age=5\n';
const HEAD_NPMRC = 'registry=https://attacker.example/\nmin-release-age=0\n';
const DAY = 86_400_000;

/** A repository whose last commit has a lockfile, a policy and an .npmrc; the working tree is then edited by `head`. */
function repo(
  head: Record<string, string> = {},
  base: Record<string, string> = { 'depguard.config.json': BASE_POLICY, '.npmrc': BASE_NPMRC },
): string {
  const dir = realpathSync(tempRepo());
  write(dir, { 'package-lock.json': LOCK, 'package.json': '{"name":"p"}\n', ...base });
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  write(dir, head);
  return dir;
}

function write(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
}

function trust(cwd: string, request: Partial<TrustRequest> = {}) {
  return decideTrust({ command: 'diff', cwd, env: {}, ruleIds: RULE_IDS, ...request });
}

describe('with a git base (HEAD against the working tree)', () => {
  it('the base revision decides the policy, the .npmrc and the cooldown; the head only edits them, which is reported', async () => {
    const dir = repo({ 'depguard.config.json': HEAD_POLICY, '.npmrc': HEAD_NPMRC });
    const t = await trust(dir);
    expect(t.judge.policy).toMatchObject({ source: 'HEAD:depguard.config.json', failOn: 'high', rules: { 'version-jump': 'off' } });
    expect(t.judge.policyEdits).toEqual([{ place: 'depguard.config.json', change: 'modified' }]);
    expect(t.judge.projectFiles['.npmrc']).toBe(BASE_NPMRC);
    expect(t.judge.npmrcChecked).toBe(true);
    expect(t.judge.releaseAge).toEqual({ ms: 5 * DAY, source: '.npmrc min-release-age=5' });
    expect(t.plan.pairs).toEqual([
      {
        base: { kind: 'git', rev: 'HEAD', file: path.join(dir, 'package-lock.json') },
        head: { kind: 'file', file: path.join(dir, 'package-lock.json') },
      },
    ]);
    expect(t.plan.lockfiles).toEqual({ base: ['package-lock.json'], head: ['package-lock.json'] });
    expect(t).toMatchObject({ projectDir: dir, repository: dir, root: dir });
  });

  it("package.json and the install-script settings are read as the base has them; the change's copies are kept apart", async () => {
    const basePkg = '{"name":"p","allowScripts":{"esbuild@0.25.0":true}}\n';
    const headPkg = '{"name":"p","allowScripts":{"esbuild":true}}\n';
    const baseWorkspace = 'allowBuilds:\n  esbuild: false\n';
    const dir = repo(
      { 'package.json': headPkg, 'pnpm-workspace.yaml': 'allowBuilds:\n  esbuild: true\n', '.yarnrc.yml': 'enableScripts: true\n' },
      { 'package.json': basePkg, 'pnpm-workspace.yaml': baseWorkspace },
    );
    git(dir, 'add', '.yarnrc.yml'); // tracked: the change brings it (untracked, it would be the developer's own)
    const t = await trust(dir);
    expect(t.judge.projectFiles).toEqual({
      '.npmrc': null,
      'pnpm-workspace.yaml': baseWorkspace,
      '.yarnrc.yml': null,
      'package.json': basePkg,
    });
    expect(t.judge.headProjectFiles).toMatchObject({ 'package.json': headPkg, '.yarnrc.yml': 'enableScripts: true\n' });
  });

  it('the base decides which lockfiles are compared: one the change adds is compared with nothing, not chosen instead', async () => {
    const dir = repo({ 'npm-shrinkwrap.json': LOCK });
    const t = await trust(dir);
    expect(t.plan.lockfiles).toEqual({ base: ['package-lock.json'], head: ['npm-shrinkwrap.json', 'package-lock.json'] });
    expect(t.plan.pairs.map((p) => [p.base.kind, p.head.kind, 'file' in p.head ? path.basename(p.head.file) : p.head.label])).toEqual([
      ['git', 'file', 'npm-shrinkwrap.json'],
      ['git', 'file', 'package-lock.json'],
    ]);
  });

  it('a policy the change adds where the base had none is not applied', async () => {
    const dir = repo({ '.depguardrc.json': HEAD_POLICY }, {});
    const t = await trust(dir);
    expect(t.judge.policy.source).toBeNull();
    expect(t.judge.policyEdits).toEqual([{ place: '.depguardrc.json', change: 'added' }]);
    expect(t.judge.releaseAge).toEqual({ ms: 3 * DAY, source: 'depguard default' });
  });

  it("an .npmrc git does not track is the developer's own: read from disk, in full", async () => {
    const dir = repo({ '.npmrc': '//base.example/:_authToken=secret\n' }, { 'depguard.config.json': BASE_POLICY });
    const t = await trust(dir);
    expect(t.judge.projectFiles['.npmrc']).toBe('//base.example/:_authToken=secret\n');
    expect(t.judge.npmrcChecked).toBe(true);
  });

  it('the policy names a cooldown over the project files', async () => {
    const dir = repo({}, { 'depguard.config.json': '{ "minReleaseAge": "7d" }', '.npmrc': BASE_NPMRC });
    expect((await trust(dir)).judge.releaseAge).toEqual({ ms: 7 * DAY, source: 'HEAD:depguard.config.json minReleaseAge' });
  });

  it('on a GitHub pull request, the base is the merge base with $GITHUB_BASE_REF', async () => {
    const dir = repo();
    const mergeBase = git(dir, 'rev-parse', 'HEAD').trim();
    git(dir, 'checkout', '-qb', 'feature');
    write(dir, { 'depguard.config.json': HEAD_POLICY });
    git(dir, 'commit', '-qam', 'relax');
    const t = await trust(dir, { env: { GITHUB_BASE_REF: 'main' } });
    expect(t.plan.pairs[0]!.base).toMatchObject({ kind: 'git', rev: mergeBase });
    expect(t.judge.policy.source).toBe(`${mergeBase}:depguard.config.json`);
    expect(t.judge.policyEdits).toEqual([{ place: 'depguard.config.json', change: 'modified' }]);
  });
});

describe('staged (HEAD against the index)', () => {
  it('the head is the index, not the working tree; the base still decides', async () => {
    const dir = repo({ 'depguard.config.json': HEAD_POLICY, '.npmrc': HEAD_NPMRC });
    git(dir, 'add', 'depguard.config.json', '.npmrc');
    write(dir, { 'depguard.config.json': BASE_POLICY }); // the working tree put back: the index still edits it
    const t = await trust(dir, { staged: true });
    expect(t.plan.pairs).toEqual([
      {
        base: { kind: 'git', rev: 'HEAD', file: path.join(dir, 'package-lock.json') },
        head: { kind: 'index', file: path.join(dir, 'package-lock.json') },
      },
    ]);
    expect(t.judge.policy.source).toBe('HEAD:depguard.config.json');
    expect(t.judge.policyEdits).toEqual([{ place: 'depguard.config.json', change: 'modified' }]);
    expect(t.judge.projectFiles['.npmrc']).toBe(BASE_NPMRC);
  });

  it('is not combined with a base or a head', async () => {
    const dir = repo();
    await expect(trust(dir, { staged: true, base: 'HEAD~1' })).rejects.toThrow(
      new UsageError('--staged compares HEAD with the index: it cannot be combined with --base or --head'),
    );
  });
});

describe('two lockfile files (no base revision)', () => {
  it("outside a repository: the project's policy applies, and its .npmrc may only bind credentials", async () => {
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'depguard-two-')));
    write(dir, { 'old.json': LOCK, 'new.json': LOCK, 'depguard.config.json': HEAD_POLICY, '.npmrc': HEAD_NPMRC });
    const t = await trust(dir, { base: 'old.json', head: { file: 'new.json' } });
    expect(t.plan).toEqual({
      pairs: [{ base: { kind: 'file', file: path.join(dir, 'old.json') }, head: { kind: 'file', file: path.join(dir, 'new.json') } }],
      lockfiles: null,
    });
    expect(t.judge.policy).toMatchObject({ source: 'depguard.config.json', failOn: 'critical' });
    expect(t.judge.policyEdits).toEqual([]);
    expect(t.judge.projectFiles['.npmrc']).toBe(HEAD_NPMRC);
    expect(t.judge.npmrcChecked).toBe(false);
    expect(t).toMatchObject({ repository: null, root: dir });
  });

  it('inside a repository: a tracked .npmrc is not vouched for, an untracked one is', async () => {
    const tracked = repo({ 'old.json': LOCK, 'new.json': LOCK });
    expect((await trust(tracked, { base: 'old.json', head: 'new.json' })).judge.npmrcChecked).toBe(false);
    const untracked = repo({ 'old.json': LOCK, 'new.json': LOCK, '.npmrc': HEAD_NPMRC }, { 'depguard.config.json': BASE_POLICY });
    expect((await trust(untracked, { base: 'old.json', head: 'new.json' })).judge.npmrcChecked).toBe(true);
  });
});

describe('audit (the whole tree, no base)', () => {
  it("reads the project's files as they are on disk; a tracked .npmrc may only bind credentials", async () => {
    const dir = repo({ 'depguard.config.json': HEAD_POLICY, '.npmrc': HEAD_NPMRC });
    const t = await trust(dir, { command: 'audit' });
    expect(t.plan).toEqual({
      pairs: [
        { base: { kind: 'empty', label: 'nothing' }, head: { kind: 'file', file: path.join(dir, 'package-lock.json'), passedOver: [] } },
      ],
      lockfiles: null,
    });
    expect(t.judge.policy).toMatchObject({ source: 'depguard.config.json', failOn: 'critical' });
    expect(t.judge.policyEdits).toEqual([]);
    expect(t.judge.projectFiles['.npmrc']).toBe(HEAD_NPMRC);
    expect(t.judge.npmrcChecked).toBe(false);
    expect(t.judge.releaseAge).toEqual({ ms: 0, source: '.npmrc min-release-age=0' });
  });

  it('takes no sides', async () => {
    const dir = repo();
    await expect(trust(dir, { command: 'audit', base: 'HEAD' })).rejects.toThrow(UsageError);
  });
});

describe("the user's own policy (--config)", () => {
  it('applies as it is, even with a git base, and nothing the change does to the project policy is an edit', async () => {
    const dir = repo({ 'depguard.config.json': HEAD_POLICY });
    const own = path.join(realpathSync(mkdtempSync(path.join(os.tmpdir(), 'depguard-own-'))), 'mine.json');
    writeFileSync(own, '{ "failOn": "low", "minReleaseAge": "1d" }');
    const t = await trust(dir, { policy: own });
    expect(t.judge.policy).toMatchObject({ source: own, failOn: 'low' });
    expect(t.judge.policyEdits).toEqual([]);
    expect(t.judge.releaseAge).toEqual({ ms: DAY, source: `${own} minReleaseAge` });
    expect(t.judge.projectFiles['.npmrc']).toBe(BASE_NPMRC); // the .npmrc is still the base's
  });

  it('may be given as content, validated like a file', async () => {
    const dir = repo();
    expect((await trust(dir, { policy: { json: { failOn: 'medium' }, source: 'ci.json' } })).judge.policy).toMatchObject({
      source: 'ci.json',
      failOn: 'medium',
    });
    await expect(trust(dir, { policy: { json: { failOn: 'sometimes' } } })).rejects.toThrow('the policy option: failOn');
  });

  it("a relative path is the current directory's", async () => {
    const dir = repo({ 'mine.json': '{ "failOn": "info" }' });
    expect((await trust(dir, { policy: 'mine.json' })).judge.policy).toMatchObject({ source: path.join(dir, 'mine.json'), failOn: 'info' });
  });
});

describe('one side named for why', () => {
  it('a revision reads the chosen lockfile there; a path is that file', () => {
    const dir = repo();
    const lockfile = () => ({ file: path.join(dir, 'package-lock.json'), passedOver: [] });
    expect(lockSourceOf('HEAD~0', dir, lockfile)).toEqual({
      kind: 'git',
      rev: 'HEAD~0',
      file: path.join(dir, 'package-lock.json'),
      passedOver: [],
    });
    expect(lockSourceOf({ rev: 'package.json' }, dir, lockfile)).toMatchObject({ kind: 'git', rev: 'package.json' });
    expect(lockSourceOf('package.json', dir, lockfile)).toEqual({ kind: 'file', file: path.join(dir, 'package.json') });
    expect(lockSourceOf({ file: '.' }, dir, lockfile)).toEqual({ kind: 'file', file: path.join(dir, 'package-lock.json'), passedOver: [] });
  });
});
