import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { AS_OF } from '../../fixtures/patterns.mjs';
import { fixture, runCli, type CliResult } from '../helpers/cli.js';

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('patterns', 'registry'));
});
afterAll(() => registry.close());

describe('depguard audit', () => {
  it('audits every locked package as a standing tree', async () => {
    const r = await runCli([
      'audit',
      '--lockfile',
      fixture('patterns', 'head', 'package-lock.json'),
      '--registry',
      registry.url,
      '--as-of',
      AS_OF,
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(''); // stderr is not a terminal: no progress line
    const out = JSON.parse(r.stdout);
    expect(out.command).toBe('audit');
    const by = (rule: string) =>
      out.findings
        .filter((f: { ruleId: string }) => f.ruleId === rule)
        .map((f: { package: { name: string } }) => f.package.name)
        .sort();
    expect(by('new-package')).toEqual([]); // everything is "new" in an audit: that rule says nothing there
    expect(by('version-unpublished')).toEqual(['deprecated-pkg', 'placeholder-pkg', 'withdrawn-pkg']);
    expect(by('source-changed')).toEqual(['stable-lib', 'weak-hash']);
    expect(by('young-version')).toEqual(['fresh-release', 'worm-victim', 'young-lib']);
    expect(by('install-script-added')).toEqual([
      'native-addon',
      'newcomer-script',
      'scope-lint',
      'ua-parse',
      'worm-victim',
      'worm-victim-2',
    ]);
    expect(by('publisher-history')).toEqual(['dormant-revived']);
  });

  it('--offline uses only the cache, and says what it could not check', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'offline-cache-'));
    const lock = fixture('patterns', 'head', 'package-lock.json');
    // --fail-on critical: stable-lib's foreign host is high from the lockfile alone, which would exit 1 before 3
    const cold = await runCli([
      'audit',
      '--lockfile',
      lock,
      '--registry',
      registry.url,
      '--offline',
      '--cache-dir',
      cache,
      '--format',
      'json',
      '--fail-on',
      'critical',
    ]);
    expect(cold.code).toBe(3);
    const coldOut = JSON.parse(cold.stdout);
    expect(coldOut.unavailable[0].reason).toBe('not in the cache (--offline)');
    const warm = await runCli(['audit', '--lockfile', lock, '--registry', registry.url, '--cache-dir', cache, '--format', 'json']);
    expect(JSON.parse(warm.stdout).unavailable).toEqual([]);
    const before = registry.requests.length;
    const offline = await runCli([
      'audit',
      '--lockfile',
      lock,
      '--registry',
      registry.url,
      '--offline',
      '--cache-dir',
      cache,
      '--format',
      'json',
    ]);
    expect(JSON.parse(offline.stdout).unavailable).toEqual([]);
    expect(registry.requests.length).toBe(before);
  });
});

describe('depguard why', () => {
  it('lists every path that brings a package in, from the same snapshot the diff uses', async () => {
    const r = await runCli(['why', 'through', '--lockfile', fixture('event-stream', 'head', 'package-lock.json')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'through@2.3.8  node_modules/through',
        '  wallet-app > event-stream@3.3.6 > through@2.3.8',
        '  wallet-app > event-stream@3.3.6 > pause-stream@0.0.11 > through@2.3.8',
        '  wallet-app > event-stream@3.3.6 > split@0.3.3 > through@2.3.8',
        '',
      ].join('\n'),
    );
    const ws = await runCli([
      'why',
      'flatmap-stream',
      '--lockfile',
      fixture('workspaces', 'head', 'package-lock.json'),
      '--format',
      'json',
    ]);
    expect(JSON.parse(ws.stdout).copies[0].paths[0].map((s: { name: string }) => s.name)).toEqual([
      'monorepo',
      '@acme/api',
      'event-stream',
      'flatmap-stream',
    ]);
  });

  // every format that locks workspaces: npm's, pnpm 9 and 8, Yarn 1 and Berry, Bun
  const WORKSPACE_LOCKFILES: Array<[string, string]> = [
    ['npm', fixture('workspaces', 'head', 'package-lock.json')],
    ...['pnpm', 'pnpm-v6', 'yarn-classic', 'yarn-berry', 'bun'].map((m): [string, string] => [m, fixture('workspaces', m, 'head')]),
  ];

  it.each(WORKSPACE_LOCKFILES)('finds a workspace by its name (%s)', async (_, lockfile) => {
    const r = await runCli(['why', '@acme/api', '--head', lockfile]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('@acme/api@1.0.0  packages/api  (workspace)\n  monorepo > @acme/api@1.0.0\n');
  });

  it.each(WORKSPACE_LOCKFILES)(
    'finds NAME@VERSION, a range, and says which versions there are when none matches (%s)',
    async (_, lockfile) => {
      const [exact, range, workspace, other] = (await Promise.all(
        ['event-stream@3.3.6', 'event-stream@^3.3.0', '@acme/api@1.0.0', 'event-stream@3.3.5'].map((spec) =>
          runCli(['why', spec, '--head', lockfile]),
        ),
      )) as [CliResult, CliResult, CliResult, CliResult];
      expect(exact.code).toBe(0);
      expect(exact.stdout).toMatch(/^event-stream@3\.3\.6 {2}\S+\n {2}monorepo > @acme\/api@1\.0\.0 > event-stream@3\.3\.6\n$/);
      expect(range.stdout).toBe(exact.stdout);
      expect(workspace.stdout).toBe('@acme/api@1.0.0  packages/api  (workspace)\n  monorepo > @acme/api@1.0.0\n');
      expect(other.code).toBe(1);
      expect(other.stdout).toMatch(/^event-stream@3\.3\.5 is not in \S+ \(it has event-stream 3\.3\.6\)\n$/);
    },
    60_000,
  );

  it('says so in JSON: the version asked for, and the versions the tree has instead', async () => {
    const lockfile = fixture('workspaces', 'head', 'package-lock.json');
    const r = await runCli(['why', 'event-stream@3.3.5', '--lockfile', lockfile, '--format', 'json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ package: 'event-stream', version: '3.3.5', copies: [], otherVersions: ['3.3.6'] });
  });

  it('refuses a version that is neither a version nor a range (exit 2, one line)', async () => {
    const r = await runCli(['why', 'event-stream@latest', '--lockfile', fixture('workspaces', 'head', 'package-lock.json')]);
    expect(r).toEqual({
      code: 2,
      stdout: '',
      stderr: "depguard: 'latest' is not a version or a version range (why takes NAME or NAME@VERSION)\n",
    });
  });

  it('exits 1 when the package is not in the tree', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'why-'));
    copyFileSync(fixture('event-stream', 'base', 'package-lock.json'), path.join(dir, 'package-lock.json'));
    writeFileSync(path.join(dir, 'package.json'), '{}');
    const r = await runCli(['why', 'flatmap-stream'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('flatmap-stream is not in package-lock.json\n');
  });
});

describe('--offline names the version it lacks', () => {
  const base = fixture('event-stream', 'base', 'package-lock.json');
  const head = fixture('event-stream', 'head', 'package-lock.json');
  let es: Registry;
  beforeAll(async () => {
    es = await startRegistry(fixture('event-stream', 'registry'));
  });
  afterAll(() => es.close());

  it('in the facts: cached facts that lack the version', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'offline-facts-'));
    // the cache learns event-stream from the base (3.3.4); the head needs 3.3.6
    expect((await runCli(['audit', '--lockfile', base, '--registry', es.url, '--cache-dir', cache])).code).not.toBe(2);
    const r = await runCli(['diff', '--base', base, '--head', head, '--registry', es.url, '--cache-dir', cache, '--offline']);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      [
        'Could not be checked (registry metadata unavailable)',
        '  event-stream@3.3.6: cached facts lack event-stream@3.3.6 (--offline)',
        '  flatmap-stream@0.1.1: not in the cache (--offline)',
      ].join('\n'),
    );
  }, 60_000);

  it('in the code stage, and in --show-code, without asking the registry', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'offline-code-'));
    const args = ['diff', '--base', base, '--head', head, '--registry', es.url, '--cache-dir', cache];
    expect((await runCli([...args, '--no-code'])).code).toBe(1); // facts cached, no code
    const before = es.requests.length;
    const r = await runCli([...args, '--offline']);
    expect(r.stdout).toContain(
      [
        'Checks not made',
        // nothing was cached for the advisory check either (the fixture registry has no endpoint)
        '  advisories not in the cache (--offline): 2 rules could not fully check 2 packages (event-stream, flatmap-stream)',
        '    rules: known-malicious, known-vulnerable',
        '  tarball not fetched (no code analysis of event-stream@3.3.6 in the cache (--offline)): code-capabilities could not fully check 1 package (event-stream)',
        '  tarball not fetched (no code analysis of flatmap-stream@0.1.1 in the cache (--offline)): code-capabilities could not fully check 1 package (flatmap-stream)',
      ].join('\n'),
    );
    const show = await runCli([...args, '--offline', '--show-code', 'event-stream']);
    expect(show.stdout).toBe('event-stream 3.3.4 -> 3.3.6: no tarball of event-stream@3.3.4 in the cache (--offline)\n');
    expect(es.requests.length).toBe(before);
  }, 60_000);
});

describe('the facts cache', () => {
  it('a warm run asks the registry nothing; a needed version missing from the cache, or --cache-max-age 0, asks again', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'warm-cache-'));
    const base = fixture('event-stream', 'base', 'package-lock.json');
    const head = fixture('event-stream', 'head', 'package-lock.json');
    const es = await startRegistry(fixture('event-stream', 'registry'));
    // metadata requests: the advisory endpoint (absent here, so asked on every run) is not the facts cache's
    const gets = () => es.requests.filter((r) => r.method === 'GET');
    try {
      const run = (args: string[]) =>
        runCli(['diff', '--base', base, '--head', head, '--registry', es.url, '--cache-dir', cache, '--format', 'json', ...args]);
      const cold = await run([]);
      const afterCold = gets().length;
      expect(afterCold).toBeGreaterThan(0);
      const warm = await run([]);
      expect(gets().length).toBe(afterCold);
      expect(JSON.parse(warm.stdout).findings).toEqual(JSON.parse(cold.stdout).findings);
      await run(['--cache-max-age', '0']);
      expect(gets().length).toBeGreaterThan(afterCold);
      // the head now needs a version the cached facts do not have
      const before = gets().length;
      const dir = mkdtempSync(path.join(os.tmpdir(), 'newver-'));
      const lock = JSON.parse(readFileSync(head, 'utf8'));
      lock.packages['node_modules/through'].version = '2.3.9';
      writeFileSync(path.join(dir, 'head.json'), JSON.stringify(lock));
      await runCli([
        'diff',
        '--base',
        head,
        '--head',
        path.join(dir, 'head.json'),
        '--registry',
        es.url,
        '--cache-dir',
        cache,
        '--format',
        'json',
      ]);
      // metadata: only the document that lacks the version (the code stage fetches the new tarball)
      expect(
        gets()
          .slice(before)
          .map((r) => r.path)
          .filter((p) => !p.endsWith('.tgz')),
      ).toEqual(['/through']);
    } finally {
      await es.close();
    }
  });
});
