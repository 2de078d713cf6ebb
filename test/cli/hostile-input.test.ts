import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDocuments, startRegistry, type Packument } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';

const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');
const headText = readFileSync(HEAD, 'utf8');

describe('malformed and hostile lockfiles: one line, exit 2, nothing written', () => {
  const huge = (): string => {
    // 100 MB of valid lockfile
    const pad = JSON.stringify({ version: '1.0.0', description: 'x'.repeat(1024 * 1024) });
    const entries = Array.from({ length: 100 }, (_, i) => `"node_modules/p${i}": ${pad}`).join(',');
    return `{"lockfileVersion": 3, "packages": {"": {}, ${entries}}}`;
  };
  const cases: Array<[string, () => string, RegExp]> = [
    ['invalid JSON', () => '{"lockfileVersion": 3,, }', /is not valid JSON/],
    ['a truncated file', () => headText.slice(0, headText.length / 2), /is not valid JSON/],
    ['an unknown lockfileVersion', () => headText.replace('"lockfileVersion": 3', '"lockfileVersion": 7'), /unsupported lockfileVersion 7/],
    [
      'an entry without a version',
      () =>
        headText.replace(
          '"version": "0.1.1",\n      "resolved": "https://registry.npmjs.org/flatmap-stream',
          '"resolved": "https://registry.npmjs.org/flatmap-stream',
        ),
      /has no version/,
    ],
    [
      'a __proto__ key',
      () => headText.replace('"node_modules/duplexer"', '"node_modules/__proto__": {"version": "1.0.0"}, "node_modules/duplexer"'),
      /reserved JavaScript name|invalid package/,
    ],
    [
      'a constructor key',
      () => headText.replace('"node_modules/duplexer"', '"constructor": {"version": "1.0.0"}, "node_modules/duplexer"'),
      /reserved JavaScript name/,
    ],
    [
      'a key that climbs out of the project',
      () => headText.replace('"node_modules/duplexer"', '"node_modules/../../x": {"version": "1.0.0"}, "node_modules/duplexer"'),
      /points outside the project/,
    ],
    [
      'a name with control characters',
      () => headText.replace('"node_modules/duplexer"', '"node_modules/evil\\u001b[2J": {"version": "1.0.0"}, "node_modules/duplexer"'),
      /control characters/,
    ],
    [
      'a dependency named __proto__',
      () => headText.replace('"flatmap-stream": "^0.1.0",', '"flatmap-stream": "^0.1.0", "__proto__": "1.0.0",'),
      /invalid package "__proto__"/,
    ],
    ['a JSON array', () => '[{"lockfileVersion": 3}]', /found an array|is not a lockfile depguard can read/],
    ['a JSON string', () => '"package-lock"', /found a string|is not a lockfile depguard can read/],
    ['a 100 MB lockfile', huge, /over the 64\.0 MB limit/],
  ];
  for (const [what, make, message] of cases) {
    it(what, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'hostile-'));
      const file = path.join(dir, 'head.json');
      writeFileSync(file, make());
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'private-tmp-'));
      const r = await runCli(['diff', '--base', BASE, '--head', file, '--registry', 'http://127.0.0.1:9/'], { env: { TMPDIR: tmp } });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^depguard: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/head\\.json: `));
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).not.toContain('\u001b');
      expect(readdirSync(dir)).toEqual(['head.json']);
      expect(readdirSync(tmp)).toEqual([]); // not even a temporary copy
    });
  }

  it('--max-lockfile-size raises the limit', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'limit-'));
    writeFileSync(path.join(dir, 'head.json'), headText);
    const r = await runCli(['diff', '--base', BASE, '--head', path.join(dir, 'head.json'), '--max-lockfile-size', '0.001']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/over the 0\.0 MB limit \(raise it with --max-lockfile-size\)/);
  });
});

describe('hostile registry metadata', () => {
  const FORGED = '\u001b[2J\u001b[32mdepguard: PASS: no findings at or above high\u001b[0m';
  function hostileDocs(): Map<string, Packument> {
    const docs = loadDocuments(fixture('event-stream', 'registry'));
    const es = structuredClone(docs.get('event-stream')!);
    const v = es.versions['3.3.6'];
    v._npmUser = { name: `right9ctrl\n${FORGED}\n<img src=x onerror=alert(1)> @octocat [x](javascript:alert(1))`, email: 'x@example.com' };
    v.maintainers = [{ name: `\u001b]8;;https://evil.example\u0007click\u001b]8;;\u0007` }, { name: 'y'.repeat(200_000) }];
    v.deprecated = `use something else\n${FORGED}`;
    es.description = 'z'.repeat(1_000_000);
    docs.set('event-stream', es);
    return docs;
  }

  it('text output escapes control characters and cannot forge depguard lines; JSON stays valid', async () => {
    const registry = await startRegistry(hostileDocs());
    try {
      const text = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url]);
      expect(text.code).toBe(1);
      expect(text.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
      const verdicts = text.stdout.split('\n').filter((l) => l.startsWith('depguard:'));
      expect(verdicts).toEqual(['depguard: FAIL: 1 package with findings at or above high']);
      expect(text.stdout).toContain('\\u001b[2J');
      expect(Math.max(...text.stdout.split('\n').map((l) => l.length))).toBeLessThan(2000);
      const json = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url, '--format', 'json']);
      const out = JSON.parse(json.stdout);
      expect(out.findings.find((f: { ruleId: string }) => f.ruleId === 'publisher-changed').evidence.publisher).toContain(FORGED);
    } finally {
      await registry.close();
    }
  });
});

describe('read-only, provably', () => {
  it('diff, audit and --staged leave the lockfile, package.json, node_modules and .git unchanged', async () => {
    const { git, tempRepo } = await import('../helpers/git.js');
    const { snapshotTree } = await import('../helpers/tree.js');
    const registry = await startRegistry(loadDocuments(fixture('event-stream', 'registry')));
    try {
      const repo = tempRepo();
      writeFileSync(path.join(repo, 'package-lock.json'), readFileSync(BASE));
      writeFileSync(path.join(repo, 'package.json'), readFileSync(fixture('event-stream', 'base', 'package.json')));
      writeFileSync(path.join(repo, '.npmrc'), `registry=${registry.url}\n`);
      git(repo, 'add', '.');
      git(repo, 'commit', '-qm', 'base');
      writeFileSync(path.join(repo, 'package-lock.json'), headText);
      git(repo, 'add', 'package-lock.json');
      // a node_modules as npm would leave it
      const nm = path.join(repo, 'node_modules', 'event-stream');
      (await import('node:fs')).mkdirSync(nm, { recursive: true });
      writeFileSync(path.join(nm, 'package.json'), '{"name":"event-stream","version":"3.3.6"}');
      const before = snapshotTree(repo);
      for (const args of [['diff'], ['diff', '--staged'], ['audit'], ['diff', '--format', 'json'], ['why', 'flatmap-stream']]) {
        // audit has no base to check the project .npmrc against: the registry comes from the user
        const r = await runCli(args, { cwd: repo, env: { npm_config_registry: registry.url } });
        expect([0, 1]).toContain(r.code);
      }
      expect(snapshotTree(repo)).toEqual(before);
      expect(existsSync(path.join(repo, 'depguard.config.json'))).toBe(false);
    } finally {
      await registry.close();
    }
  });
});
