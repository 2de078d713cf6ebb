import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments, startRegistry, type Packument, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, ROOT, runCli } from '../helpers/cli.js';

const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');
const DOCS = loadDocuments(fixture('event-stream', 'registry'));

/** What the mirror these machines reach sends: no publishers, maintainers or real times. */
function mirrorOf(docs: Map<string, Packument>): Map<string, Packument> {
  const out = new Map<string, Packument>();
  for (const [name, doc] of docs) {
    const copy = structuredClone(doc);
    delete copy.maintainers;
    const times = Object.fromEntries(Object.keys(copy.versions).map((v) => [v, '2025-10-03T05:02:10.381000+00:00']));
    copy.time = times;
    for (const v of Object.values(copy.versions) as Packument[]) {
      delete v._npmUser;
      delete v.maintainers;
    }
    out.set(name, copy);
  }
  return out;
}

let registry: Registry;
let mirror: Registry;
beforeAll(async () => {
  registry = await startRegistry(DOCS);
  mirror = await startRegistry(mirrorOf(DOCS));
});
afterAll(async () => {
  await registry.close();
  await mirror.close();
});

describe('depguard diff (event-stream 3.3.4 -> 3.3.6)', () => {
  it('reports critical on event-stream 3.3.6, shows flatmap-stream as the new package it brings, and exits 1', async () => {
    const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^CRITICAL event-stream 3\.3\.4 -> 3\.3\.6/m);
    expect(r.stdout).toContain('published by right9ctrl, who first published event-stream only 4 days earlier');
    expect(r.stdout).toContain('3.3.6 depends on flatmap-stream@^0.1.0, which 3.3.4 did not');
    expect(r.stdout).toContain('  path wallet-app > event-stream@3.3.6\n');
    // today flatmap-stream itself is years old: its own finding is info, so it is a line of the block event-stream brings
    expect(r.stdout).toContain(
      '\nNew packages, by the package that brings them in\n  event-stream 3.3.4 -> 3.3.6 brings 1 new package: flatmap-stream 0.1.1; none with findings above info\n',
    );
    expect(r.stdout).toMatch(/^depguard: FAIL: 1 package with findings at or above high$/m);
  });

  it('writes the versioned JSON schema', async () => {
    const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url, '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      schemaVersion: 1,
      base: path.relative(ROOT, BASE),
      head: path.relative(ROOT, HEAD),
      unavailable: [],
    });
    // every check was made but the advisory one: the fixture registry has no advisory endpoint
    expect(out.skipped.filter((s: { ruleId: string }) => !s.ruleId.startsWith('known-'))).toEqual([]);
    expect(out.changes.map((c: { kind: string; name: string }) => `${c.kind} ${c.name}`)).toEqual([
      'upgraded event-stream',
      'added flatmap-stream',
    ]);
    const critical = out.findings.filter((f: { severity: string }) => f.severity === 'critical');
    expect(critical.map((f: { ruleId: string }) => f.ruleId).sort()).toEqual(['new-dependency', 'publisher-changed']);
    expect(critical[0]).toMatchObject({
      package: { name: 'event-stream', version: '3.3.6' },
      previousVersion: '3.3.4',
      escalation: { combination: 'newcomer-ships-new-code' },
    });
    const flatmap = out.findings.find((f: { package: { name: string } }) => f.package.name === 'flatmap-stream');
    expect(flatmap).toMatchObject({
      ruleId: 'new-package',
      paths: [[{ name: 'wallet-app' }, { name: 'event-stream', version: '3.3.6' }, { name: 'flatmap-stream', version: '0.1.1' }]],
    });
  });

  it('stays quiet and says what it could not check on a registry that strips publishers, maintainers and times', async () => {
    const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', mirror.url, '--format', 'json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.findings.map((f: { ruleId: string; severity: string }) => `${f.ruleId}:${f.severity}`).sort()).toEqual([
      'new-dependency:low',
      'new-package:low',
    ]);
    const reasons = out.skipped.map((s: { ruleId: string; reason: string }) => `${s.ruleId}: ${s.reason}`);
    expect(reasons).toContain('publisher-changed: the registry sent no publisher (_npmUser) for these versions');
    expect(reasons.some((x: string) => x.startsWith('maintainers-changed:'))).toBe(true);
    expect(reasons.some((x: string) => x.startsWith('version-jump:') && x.includes('publish times'))).toBe(true);
    const text = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', mirror.url]);
    expect(text.stdout).toContain('Checks not made');
    expect(text.stdout).toContain('depguard: PASS');
  });

  it('exits 3 and lists the package when its metadata cannot be fetched, keeping the other findings', async () => {
    const partial = new Map(DOCS);
    partial.delete('flatmap-stream');
    const reg = await startRegistry(partial);
    try {
      const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', reg.url, '--fail-on', 'critical', '--format', 'json']);
      const out = JSON.parse(r.stdout);
      const line = readFileSync(HEAD, 'utf8').split('\n').indexOf('    "node_modules/flatmap-stream": {') + 1;
      expect(line).toBeGreaterThan(1);
      const location = { file: path.relative(ROOT, HEAD).split(path.sep).join('/'), line };
      expect(out.unavailable).toEqual([
        { package: { name: 'flatmap-stream', version: '0.1.1' }, reason: 'not found on the registry (404)', location },
      ]);
      expect(r.code).toBe(1); // event-stream is still critical
      const quiet = await runCli([
        'diff',
        '--base',
        BASE,
        '--head',
        HEAD,
        '--registry',
        reg.url,
        '--fail-on',
        'critical',
        '--format',
        'json',
        '--allow-incomplete',
      ]);
      expect(quiet.code).toBe(1);
      const base = fixture('event-stream', 'head', 'package-lock.json');
      const onlyFlatmap = await runCli(['diff', '--base', base, '--head', HEAD, '--registry', reg.url]);
      expect(onlyFlatmap.code).toBe(0); // nothing changed: nothing to fetch
      const dir = mkdtempSync(path.join(os.tmpdir(), 'partial-'));
      const lock = JSON.parse(readFileSync(HEAD, 'utf8'));
      lock.packages['node_modules/flatmap-stream'].version = '0.1.0';
      lock.packages['node_modules/flatmap-stream'].resolved = 'https://registry.npmjs.org/flatmap-stream/-/flatmap-stream-0.1.0.tgz'; // 0.1.1's tarball under 0.1.0 is source-changed, high
      writeFileSync(path.join(dir, 'head.json'), JSON.stringify(lock));
      const incomplete = await runCli(['diff', '--base', HEAD, '--head', path.join(dir, 'head.json'), '--registry', reg.url]);
      expect(incomplete.code).toBe(3);
      expect(incomplete.stdout).toContain('flatmap-stream@0.1.0: not found on the registry (404)');
      expect(incomplete.stdout).toMatch(/^depguard: INCOMPLETE/m);
      const allowed = await runCli([
        'diff',
        '--base',
        HEAD,
        '--head',
        path.join(dir, 'head.json'),
        '--registry',
        reg.url,
        '--allow-incomplete',
      ]);
      expect(allowed.code).toBe(0);
    } finally {
      await reg.close();
    }
  });

  it('finds nothing to fetch when the lockfile was only rewritten', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rewrite-'));
    writeFileSync(path.join(dir, 'head.json'), JSON.stringify(JSON.parse(readFileSync(HEAD, 'utf8')), null, 4));
    const before = registry.requests.length;
    const r = await runCli(['diff', '--base', HEAD, '--head', path.join(dir, 'head.json'), '--registry', registry.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No package changes.');
    expect(registry.requests.length).toBe(before);
  });

  it('takes the registry from the user, not from the project .npmrc beside a lockfile file (nothing to check it against)', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'npmrc-'));
    copyFileSync(HEAD, path.join(dir, 'package-lock.json'));
    writeFileSync(path.join(dir, '.npmrc'), 'registry=http://127.0.0.1:9/\n');
    const r = await runCli(['diff', '--base', BASE], { cwd: dir, env: { npm_config_registry: registry.url } });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('CRITICAL event-stream');
  });

  it('honours FORCE_COLOR and NO_COLOR', async () => {
    const colored = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url], {
      env: { FORCE_COLOR: '1', NO_COLOR: '' },
    });
    expect(colored.stdout).toContain('\u001b[');
    const plain = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url], { env: { NO_COLOR: '1' } });
    expect(plain.stdout).not.toContain('\u001b[');
  });
});

describe('depguard diff: usage and input errors exit 2 with one line', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['an unknown flag', ['diff', '--bogus'], /unknown option '--bogus'/],
    ['a bad --fail-on', ['diff', '--base', BASE, '--head', HEAD, '--fail-on', 'severe'], /--fail-on must be one of/],
    ['a bad --format', ['diff', '--base', BASE, '--head', HEAD, '--format', 'xml'], /--format must be/],
    [
      'a missing lockfile',
      ['diff', '--base', BASE, '--head', '/nonexistent/package-lock.json'],
      /not inside a git repository|unknown git revision|does not exist|no such file/,
    ],
    ['--staged with --base', ['diff', '--staged', '--base', BASE], /cannot be combined/],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await runCli(args, { cwd: mkdtempSync(path.join(os.tmpdir(), 'usage-')) });
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it('a malformed lockfile names the file and the problem', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-'));
    writeFileSync(path.join(dir, 'head.json'), '{"lockfileVersion": 3, "packages": {');
    const r = await runCli(['diff', '--base', BASE, '--head', path.join(dir, 'head.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^depguard: .*head\.json: is not valid JSON/);
  });
});

describe('argument errors', () => {
  it('are one depguard: line with exit 2, for unknown options, commands and missing values', async () => {
    for (const args of [['diff', '--bogus'], ['frob'], ['diff', '--format']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout, args.join(' ')).toBe('');
      expect(r.stderr, args.join(' ')).toMatch(/^depguard: [^\n]+\n$/);
    }
  });
});
