import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture, runCli } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';
import { eventStreamRegistry, type Recorder } from '../helpers/servers.js';

/**
 * The base decides which lockfiles are audited. A change that adds a package-lock.json to a
 * pnpm or Yarn project (npm would install from it; depguard used to pick it by preference) must
 * neither get the decoy audited instead of the real lockfile, nor get a lockfile past the audit.
 */
const ES = (...p: string[]) => fixture('event-stream', ...p);

let registry: Recorder;
beforeAll(async () => {
  registry = await eventStreamRegistry();
});
afterAll(() => registry.close());

interface Finding {
  ruleId: string;
  severity: string;
  package: { name: string; version: string };
  evidence: Record<string, unknown>;
}

/** A repository whose base commit holds `files` (name -> fixture path) and an .npmrc naming the registry. */
function repo(files: Record<string, string>): string {
  const dir = tempRepo();
  for (const [name, from] of Object.entries(files)) copyFileSync(from, path.join(dir, name));
  writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.url}\n`);
  git(dir, 'add', '.');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

async function json(dir: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = await runCli([...args, '--format', 'json'], { cwd: dir, env });
  expect(r.stderr).toBe('');
  return { code: r.code, out: JSON.parse(r.stdout) as { base: string; head: string; findings: Finding[]; changes: unknown[] } };
}

const ids = (findings: Finding[]) => findings.map((f) => `${f.ruleId} ${f.severity} ${f.package.name}`);

describe('a decoy lockfile added beside the real one', () => {
  it('pnpm project + package-lock.json, HEAD~1 against HEAD: the pnpm lockfile is audited, the decoy too, and the addition is high', async () => {
    const dir = repo({ 'pnpm-lock.yaml': ES('pnpm', 'base', 'pnpm-lock.yaml'), 'package.json': ES('pnpm', 'base', 'package.json') });
    // the pull request updates pnpm's lockfile to the malicious release and adds a harmless-looking npm lockfile
    copyFileSync(ES('pnpm', 'head', 'pnpm-lock.yaml'), path.join(dir, 'pnpm-lock.yaml'));
    copyFileSync(ES('base', 'package-lock.json'), path.join(dir, 'package-lock.json'));
    git(dir, 'add', '.');
    git(dir, 'commit', '-qm', 'pr');
    const { code, out } = await json(dir, ['diff', '--base', 'HEAD~1', '--head', 'HEAD']);
    expect(code).toBe(1);
    expect(out.base).toBe('HEAD~1:package-lock.json (no lockfile), HEAD~1:pnpm-lock.yaml');
    expect(out.head).toBe('HEAD:package-lock.json, HEAD:pnpm-lock.yaml');
    expect(ids(out.findings)).toContain('publisher-changed critical event-stream');
    expect(out.findings.filter((f) => f.ruleId === 'lockfile-changed')).toMatchObject([
      {
        severity: 'high',
        package: { name: 'package-lock.json' },
        evidence: { change: 'added', baseLockfiles: ['pnpm-lock.yaml'], headLockfiles: ['package-lock.json', 'pnpm-lock.yaml'] },
      },
    ]);
  });

  it('yarn project + package-lock.json in the working tree (the local default, HEAD against the working tree)', async () => {
    const dir = repo({ 'yarn.lock': ES('yarn-classic', 'base', 'yarn.lock'), 'package.json': ES('yarn-classic', 'base', 'package.json') });
    copyFileSync(ES('yarn-classic', 'head', 'yarn.lock'), path.join(dir, 'yarn.lock'));
    copyFileSync(ES('yarn-classic', 'head', 'package.json'), path.join(dir, 'package.json'));
    copyFileSync(ES('base', 'package-lock.json'), path.join(dir, 'package-lock.json'));
    const { code, out } = await json(dir, ['diff']);
    expect(code).toBe(1);
    expect(out.head).toBe('package-lock.json, yarn.lock');
    expect(ids(out.findings)).toContain('publisher-changed critical event-stream');
    expect(ids(out.findings)).toContain('lockfile-changed high package-lock.json');
  });

  it('--staged and a pull request (GITHUB_BASE_REF): the same', async () => {
    const dir = repo({ 'pnpm-lock.yaml': ES('pnpm', 'base', 'pnpm-lock.yaml'), 'package.json': ES('pnpm', 'base', 'package.json') });
    git(dir, 'checkout', '-qb', 'feature');
    copyFileSync(ES('pnpm', 'head', 'pnpm-lock.yaml'), path.join(dir, 'pnpm-lock.yaml'));
    copyFileSync(ES('base', 'package-lock.json'), path.join(dir, 'package-lock.json'));
    git(dir, 'add', '.');
    const staged = await json(dir, ['diff', '--staged']);
    expect(staged.out.head).toBe('index:package-lock.json, index:pnpm-lock.yaml');
    expect(ids(staged.out.findings)).toEqual(
      expect.arrayContaining(['publisher-changed critical event-stream', 'lockfile-changed high package-lock.json']),
    );
    git(dir, 'commit', '-qm', 'pr');
    const pr = await json(dir, ['diff'], { GITHUB_BASE_REF: 'main' });
    expect(pr.code).toBe(1);
    expect(ids(pr.out.findings)).toEqual(
      expect.arrayContaining(['publisher-changed critical event-stream', 'lockfile-changed high package-lock.json']),
    );
  });
});

describe('lockfiles removed or swapped', () => {
  it('an npm project whose change swaps package-lock.json for yarn.lock: both audited, both changes high', async () => {
    const dir = repo({ 'package-lock.json': ES('base', 'package-lock.json'), 'package.json': ES('base', 'package.json') });
    rmSync(path.join(dir, 'package-lock.json'));
    copyFileSync(ES('yarn-classic', 'head', 'yarn.lock'), path.join(dir, 'yarn.lock'));
    const { code, out } = await json(dir, ['diff']);
    expect(code).toBe(1);
    expect(out.base).toBe('HEAD:package-lock.json, HEAD:yarn.lock (no lockfile)');
    expect(out.head).toBe('package-lock.json (no lockfile), yarn.lock');
    const changed = out.findings.filter((f) => f.ruleId === 'lockfile-changed').map((f) => `${f.package.name} ${f.evidence.change}`);
    expect(changed).toEqual(['yarn.lock added', 'package-lock.json removed']);
  });

  it('a change that deletes the only lockfile is refused, not passed', async () => {
    const dir = repo({ 'package-lock.json': ES('base', 'package-lock.json'), 'package.json': ES('base', 'package.json') });
    rmSync(path.join(dir, 'package-lock.json'));
    const r = await runCli(['diff'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('depguard: package-lock.json does not exist\n');
  });
});

describe('the user chose the lockfile', () => {
  it('--lockfile names the one audited, and nothing else is said', async () => {
    const dir = repo({ 'pnpm-lock.yaml': ES('pnpm', 'base', 'pnpm-lock.yaml'), 'package.json': ES('pnpm', 'base', 'package.json') });
    copyFileSync(ES('pnpm', 'head', 'pnpm-lock.yaml'), path.join(dir, 'pnpm-lock.yaml'));
    copyFileSync(ES('base', 'package-lock.json'), path.join(dir, 'package-lock.json'));
    const { out } = await json(dir, ['diff', '--lockfile', 'pnpm-lock.yaml']);
    expect(out.head).toBe('pnpm-lock.yaml');
    expect(ids(out.findings)).toContain('publisher-changed critical event-stream');
    expect(ids(out.findings).some((f) => f.startsWith('lockfile-changed'))).toBe(false);
  });

  it('two lockfile files: the user chose both', async () => {
    const { code, out } = await json(path.dirname(ES('base', 'package-lock.json')), [
      'diff',
      '--base',
      ES('pnpm', 'base', 'pnpm-lock.yaml'),
      '--head',
      ES('pnpm', 'head', 'pnpm-lock.yaml'),
      '--registry',
      registry.url,
    ]);
    expect(code).toBe(1);
    expect(ids(out.findings).some((f) => f.startsWith('lockfile-changed'))).toBe(false);
  });
});
