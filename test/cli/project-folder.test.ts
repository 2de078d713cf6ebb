import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'));
});
afterAll(() => registry.close());

/** A monorepo (npm or pnpm workspaces): the fixture's base committed, its head in the work tree. */
function monorepo(manager: 'npm' | 'pnpm'): string {
  const repo = tempRepo();
  const at = (side: string) => (manager === 'npm' ? fixture('workspaces', side) : fixture('workspaces', 'pnpm', side));
  cpSync(at('base'), repo, { recursive: true });
  writeFileSync(path.join(repo, '.npmrc'), `registry=${registry.url}\n`);
  git(repo, 'add', '.');
  git(repo, 'commit', '-qm', 'base');
  cpSync(at('head'), repo, { recursive: true });
  return repo;
}

describe('run from a workspace package or a subfolder, depguard reads the project lockfile above, as npm does', () => {
  it('diff from an npm workspace package audits the monorepo lockfile, as from the root', async () => {
    const repo = monorepo('npm');
    const fromRoot = await runCli(['diff', '--format', 'json', '--no-code'], { cwd: repo });
    const fromPackage = await runCli(['diff', '--format', 'json', '--no-code'], { cwd: path.join(repo, 'packages', 'api') });
    expect(fromPackage.stderr).toBe('');
    expect(fromPackage.code).toBe(fromRoot.code);
    const root = JSON.parse(fromRoot.stdout);
    const pkg = JSON.parse(fromPackage.stdout);
    expect(pkg.head).toBe(path.join(repo, 'package-lock.json'));
    expect(pkg.changes).toEqual(root.changes);
    expect(pkg.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(root.findings.map((f: { ruleId: string }) => f.ruleId));
    expect(pkg.findings.some((f: { severity: string }) => f.severity === 'critical')).toBe(true);
  }, 120_000);

  it('why and audit from a pnpm workspace package, and from a subfolder of it, read pnpm-lock.yaml at the root', async () => {
    const repo = monorepo('pnpm');
    const deep = path.join(repo, 'packages', 'web', 'src');
    mkdirSync(deep);
    for (const cwd of [path.join(repo, 'packages', 'api'), deep]) {
      const why = await runCli(['why', 'flatmap-stream', '--format', 'json'], { cwd });
      expect(why.stderr).toBe('');
      expect(JSON.parse(why.stdout).lockfile).toBe(path.join(repo, 'pnpm-lock.yaml'));
      expect(JSON.parse(why.stdout).copies).toHaveLength(1);
    }
    const audit = await runCli(['audit', '--format', 'json'], { cwd: deep });
    expect(audit.stderr).toBe('');
    expect(JSON.parse(audit.stdout).head).toBe(path.join(repo, 'pnpm-lock.yaml'));
  }, 120_000);

  it('a project of its own inside the repository, with no lockfile, is told so, not given the parent one', async () => {
    const repo = monorepo('npm');
    mkdirSync(path.join(repo, 'examples', 'demo'), { recursive: true });
    writeFileSync(path.join(repo, 'examples', 'demo', 'package.json'), '{"name": "demo"}');
    const r = await runCli(['why', 'event-stream'], { cwd: path.join(repo, 'examples', 'demo') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^depguard: no lockfile in .*\/examples\/demo: /);
  });
});
