import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDocuments, startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, ROOT, runCli } from '../helpers/cli.js';
import { git, tempRepo } from '../helpers/git.js';

const lock = (scenario: string, side: 'base' | 'head'): string => fixture(scenario, side, 'package-lock.json');
const BASE = lock('event-stream', 'base');
const HEAD = lock('event-stream', 'head');
const DOCS = loadDocuments(fixture('event-stream', 'registry'));
const HOSTILE_PUBLISHER = 'mallory\n::set-output name=x::y %0A::error::pwned <img src=x onerror=alert(1)> @octocat';

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
  partialFingerprints: Record<string, string>;
}
interface Finding {
  ruleId: string;
  package: { name: string; version: string };
}

let registry: Registry;
let hostile: Registry;
beforeAll(async () => {
  registry = await startRegistry(DOCS);
  const docs = new Map(DOCS);
  const doc = structuredClone(DOCS.get('event-stream')!);
  doc.versions['3.3.6']._npmUser = { name: HOSTILE_PUBLISHER, email: 'm@example.com' };
  docs.set('event-stream', doc);
  hostile = await startRegistry(docs);
});
afterAll(async () => {
  await registry.close();
  await hostile.close();
});

async function sarifAndJson(
  args: string[],
  cwd = ROOT,
): Promise<{ results: SarifResult[]; findings: Finding[]; log: { runs: Array<{ results: SarifResult[] }> } }> {
  const sarif = await runCli([...args, '--registry', registry.url, '--format', 'sarif'], { cwd });
  expect(sarif.stderr).toBe('');
  expect(sarif.code).toBe(1);
  const json = await runCli([...args, '--registry', registry.url, '--format', 'json'], { cwd });
  const log = JSON.parse(sarif.stdout);
  return { log, results: log.runs[0].results, findings: JSON.parse(json.stdout).findings };
}

const lineOf = (file: string, line: number): string => readFileSync(file, 'utf8').split('\n')[line - 1] ?? '';
const posix = (p: string): string => p.split(path.sep).join('/');

describe('depguard diff --format sarif', () => {
  it('points every result at its package entry in the head lockfile, by its path from the repository root', async () => {
    for (const [scenario, key] of [
      ['event-stream', (name: string) => `"node_modules/${name}": {`],
      ['event-stream-v2', (name: string) => `"node_modules/${name}": {`],
      ['event-stream-v1', (name: string) => `"${name}": {`],
    ] as const) {
      const head = lock(scenario, 'head');
      const { results, findings } = await sarifAndJson(['diff', '--base', lock(scenario, 'base'), '--head', head]);
      expect(results.length).toBe(findings.length);
      expect(findings.map((f) => f.package.name)).toContain('flatmap-stream');
      findings.forEach((f, i) => {
        const r = results[i]!;
        expect(r.ruleId).toBe(`depguard/${f.ruleId}`);
        const location = r.locations[0]!.physicalLocation;
        expect(location.artifactLocation.uri).toBe(posix(path.relative(ROOT, head)));
        expect(lineOf(head, location.region.startLine).trim(), `${scenario} ${f.package.name}`).toBe(key(f.package.name));
      });
    }
  });

  it('gives the same finding the same fingerprint whatever line it is on', async () => {
    const v3 = await sarifAndJson(['diff', '--base', BASE, '--head', HEAD]);
    const v1 = await sarifAndJson(['diff', '--base', lock('event-stream-v1', 'base'), '--head', lock('event-stream-v1', 'head')]);
    const key = (r: SarifResult): string => `${r.ruleId} ${r.partialFingerprints['depguardFindingHash/v1']}`;
    expect(v1.results.map(key).sort()).toEqual(v3.results.map(key).sort());
    expect(v1.results.map((r) => r.locations[0]!.physicalLocation.region.startLine)).not.toEqual(
      v3.results.map((r) => r.locations[0]!.physicalLocation.region.startLine),
    );
  });

  it('names a lockfile in a subdirectory from the repository root, wherever it runs from', async () => {
    const repo = tempRepo();
    mkdirSync(path.join(repo, 'app'));
    copyFileSync(BASE, path.join(repo, 'app', 'package-lock.json'));
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    copyFileSync(HEAD, path.join(repo, 'app', 'package-lock.json'));
    for (const [cwd, args] of [
      [repo, ['diff', '--lockfile', 'app/package-lock.json']],
      [path.join(repo, 'app'), ['diff']],
      [path.join(repo, 'app'), ['diff', '--base', 'HEAD', '--head', 'package-lock.json']],
    ] as const) {
      const { results } = await sarifAndJson([...args], cwd);
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toBe('app/package-lock.json');
    }
  });

  it('names it from the working directory outside a repository', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'no-repo-'));
    mkdirSync(path.join(dir, 'new'));
    copyFileSync(BASE, path.join(dir, 'base.json'));
    copyFileSync(HEAD, path.join(dir, 'new', 'package-lock.json'));
    const { results } = await sarifAndJson(['diff', '--base', 'base.json', '--head', 'new/package-lock.json'], dir);
    expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('new/package-lock.json');
  });
});

describe('depguard diff --format github', () => {
  it('annotates the lockfile lines and appends the Markdown report to $GITHUB_STEP_SUMMARY', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'summary-'));
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, '# an earlier step\n');
    const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url, '--format', 'github'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).toBe('depguard: FAIL: 1 package with findings at or above high');
    const annotations = lines.slice(0, -1);
    expect(annotations.length).toBeGreaterThan(1);
    for (const a of annotations) {
      const m = /^::(error|warning|notice) file=([^,]+),line=(\d+),title=([^:]*)::/.exec(a);
      expect(m, a).not.toBeNull();
      expect(m![2]).toBe(posix(path.relative(ROOT, HEAD)));
      expect(lineOf(HEAD, Number(m![3]))).toMatch(/^ {4}"node_modules\/(event-stream|flatmap-stream)": \{$/);
    }
    expect(annotations.filter((a) => a.startsWith('::error ')).length).toBeGreaterThan(0);
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('# an earlier step\n## ❌ depguard: FAIL: 1 package with findings at or above high\n')).toBe(true);
    expect(written).toContain('<details><summary><strong>critical</strong> event-stream 3.3.4 -&gt; 3.3.6</summary>');
  });

  it('writes nothing but stdout without $GITHUB_STEP_SUMMARY', async () => {
    const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url, '--format', 'github']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error /);
  });

  it('does not let a publisher name start a workflow command, or render in the summary', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'summary-'));
    const summary = path.join(dir, 'summary.md');
    const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', hostile.url, '--format', 'github'], {
      env: { GITHUB_STEP_SUMMARY: summary },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('published by mallory%0A::set-output name=x::y %250A::error::pwned');
    for (const line of r.stdout.trimEnd().split('\n')) expect(line).toMatch(/^(::(error|warning|notice) file=|depguard: )/);
    const markdown = readFileSync(summary, 'utf8');
    expect(markdown).toContain('published by mallory \\:\\:set\\-output name=x\\:\\:y');
    expect(markdown).not.toContain('<img');
    expect(markdown).toContain(`@${'\u200d'}octocat`);
  });
});

describe('depguard diff --output-file', () => {
  it('writes any format to the file instead of stdout, text without colour', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'out-'));
    for (const format of ['text', 'json', 'sarif', 'markdown', 'github']) {
      const file = path.join(dir, `report.${format}`);
      const r = await runCli(
        ['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url, '--format', format, '--output-file', file],
        { env: { FORCE_COLOR: '1' } },
      );
      expect(r.code, format).toBe(1);
      expect(r.stdout, format).toBe('');
      const written = readFileSync(file, 'utf8');
      expect(written, format).toContain('event-stream');
      expect(written, format).not.toContain('\u001b[');
    }
    expect(readFileSync(path.join(dir, 'report.text'), 'utf8')).toMatch(/^CRITICAL event-stream 3\.3\.4 -> 3\.3\.6/m);
    expect(JSON.parse(readFileSync(path.join(dir, 'report.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('resolves a relative path from the working directory, and fails in one line when it cannot write', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'out-'));
    const ok = await runCli(
      ['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url, '--format', 'json', '--output-file', 'report.json'],
      { cwd: dir },
    );
    expect(ok.code).toBe(1);
    expect(JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')).schemaVersion).toBe(1);
    const bad = await runCli([
      'diff',
      '--base',
      BASE,
      '--head',
      HEAD,
      '--registry',
      registry.url,
      '--output-file',
      path.join(dir, 'missing', 'report.txt'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toBe(`depguard: --output-file ${path.join(dir, 'missing', 'report.txt')}: cannot be written (ENOENT)\n`);
  });
});
