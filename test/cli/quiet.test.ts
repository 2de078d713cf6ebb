import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { git, gitAsync, tempRepo } from '../helpers/git.js';
import { lockfileDocuments } from '../helpers/mirror.js';

/**
 * Issue 14, part 3, on real data: express 4.18.2 -> 4.21.2 with request 2.88.2 added (lockfiles
 * made by the real npm), judged against the real documents of the mirror these machines reach
 * (fixtures/real-npm/express-request/mirror: no publishers, no maintainers, copy times only).
 * Tarballs are not stored, so the code stage is off.
 */
const BASE = fixture('real-npm', 'express-request', 'base');
const HEAD = fixture('real-npm', 'express-request', 'head');

/** What the mirror's documents lack costs these nine rules, on 53 of the 54 changes (qs comes twice). */
const STOPPED = [
  'publisher-changed',
  'publisher-history',
  'publisher-identity-changed',
  'provenance-dropped',
  'maintainers-changed',
  'new-package',
  'version-jump',
  'young-version',
  'young-package',
];
const CAUSE =
  'this registry leaves out publishers, maintainers and publish times: 9 rules could not fully check 53 packages; point --registry at one that serves them';
/** The mirror has no advisory endpoint either: its own cause, said once. */
const NO_ADVISORIES = 'the registry at 127.0.0.1:PORT has no advisory endpoint (HTTP 405): 2 rules could not fully check 53 packages';
const pattern = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('PORT', '\\d+');
const VERDICT = 'depguard: PASS, but most checks were not made (9 of 14 rules could not run in full): no findings at or above high';

let mirror: Registry;
/** Shared by the runs of the first block: the same facts, fetched once. */
let cacheDir: string;
beforeAll(async () => {
  mirror = await startRegistry(fixture('real-npm', 'express-request', 'mirror'));
  cacheDir = mkdtempSync(path.join(os.tmpdir(), 'depguard-cache-'));
});
afterAll(() => mirror.close());

const diff = (...extra: string[]) =>
  runCli(['diff', '--base', BASE, '--head', HEAD, '--registry', mirror.url, '--no-code', '--cache-dir', cacheDir, ...extra]);

describe('quiet when nothing matters: express-request against the mirror', () => {
  it('text: the packages request brings are one line, the checks not made one cause, and the verdict says most rules could not run', async () => {
    const r = await diff();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    // shown on their own: only what is above info (a two-release package, two moved repositories)
    expect(lines.filter((l) => /^[A-Z]+ {2,}/.test(l))).toEqual([
      'LOW      is-typedarray 1.0.0  (added, transitive)',
      'LOW      merge-descriptors 1.0.1 -> 1.0.3  (upgraded, transitive)',
      'LOW      path-to-regexp 0.1.7 -> 0.1.12  (upgraded, transitive)',
    ]);
    expect(r.stdout).toContain(
      '\nNew packages, by the package that brings them in\n' +
        '  request 2.88.2 (new, direct) brings 41 new packages; 1 with findings above info, shown above (is-typedarray)\n\n',
    );
    expect(r.stdout).not.toContain('ajv');
    // the copies beside older ones are not new packages, and stay in the list of changes
    expect(r.stdout).toContain('\n  added          qs 6.5.5\n');
    expect(r.stdout).toContain('\n  added          encodeurl 2.0.3 (alongside 1.0.4)\n');
    expect(r.stdout).toMatch(
      new RegExp(
        `\nChecks not made\n  ${pattern(CAUSE)}\n    rules: ${STOPPED.join(', ')}\n  ${pattern(NO_ADVISORIES)}\n    rules: known-malicious, known-vulnerable\n\nCode not checked`,
      ),
    );
    expect(r.stdout.match(/registry/g)).toHaveLength(3);
    expect(r.stdout.endsWith(`\n${VERDICT}\n`)).toBe(true);
  });

  it('--verbose lists the new packages of the block, each with its findings, and every package a check was not made for', async () => {
    const r = await diff('--verbose');
    const block = r.stdout.slice(r.stdout.indexOf('New packages, by'), r.stdout.indexOf('\nChanges without findings'));
    expect(block).toContain(
      '  request 2.88.2 (new, direct) brings 41 new packages; 1 with findings above info, shown above (is-typedarray)\n',
    );
    expect(block).toContain('    info     new-package                a new direct dependency: first publish date unknown, 126 versions\n');
    expect(block).toContain(
      '    ajv 6.15.0\n      info     new-package                new in the tree, brought in by har-validator: first publish date unknown, 359 versions\n',
    );
    expect(block).toContain('    is-typedarray 1.0.0  (shown above)\n');
    expect(block.match(/^ {4}[a-z]\S* \d\S*/gm)).toHaveLength(41);
    const packages = r.stdout.match(/\n {4}packages: (.*)\n/)![1]!.split(', ');
    expect(packages).toHaveLength(53);
    expect(packages).toContain('express');
  });

  it('JSON keeps every check not made, each naming the field the registry left out, and every finding', async () => {
    const [json, text] = await Promise.all([diff('--format', 'json'), diff()]);
    const out = JSON.parse(json.stdout);
    expect(out.summary.rules).toEqual({ applied: 14, notRun: STOPPED });
    const advisory = out.skipped.filter((s: { ruleId: string }) => s.ruleId.startsWith('known-'));
    expect(advisory.length).toBeGreaterThan(0);
    for (const s of advisory) expect(s.reason).toMatch(/^the registry at 127\.0\.0\.1:\d+ has no advisory endpoint \(HTTP 405\)$/);
    out.skipped = out.skipped.filter((s: { ruleId: string }) => !s.ruleId.startsWith('known-'));
    const packages = new Set(out.skipped.map((s: { package: { name: string } }) => s.package.name));
    const rules = new Set(out.skipped.map((s: { ruleId: string }) => s.ruleId));
    expect(packages.size).toBe(53);
    expect([...rules].sort()).toEqual([...STOPPED].sort());
    expect(new Set(out.skipped.map((s: { missing?: string }) => s.missing))).toEqual(new Set(['_npmUser', 'maintainers', 'time']));
    // one entry per rule per package version: nothing is grouped away
    expect(out.skipped.length).toBe(
      new Set(
        out.skipped.map(
          (s: { ruleId: string; package: { name: string; version: string } }) => `${s.ruleId} ${s.package.name}@${s.package.version}`,
        ),
      ).size,
    );
    expect(out.skipped.length).toBeGreaterThan(200);
    expect(out.findings).toHaveLength(44);
    expect(out.findings.filter((f: { severity: string }) => f.severity === 'info')).toHaveLength(41);
    expect(text.stdout).toContain(CAUSE);
  });

  it('markdown: the block, every new package in its collapsed list, one line per cause, and a warning verdict', async () => {
    const r = await diff('--format', 'markdown');
    expect(r.stdout.split('\n')[0]).toBe(`## ⚠️ ${VERDICT}`);
    expect(r.stdout).toContain(
      '### New packages, by the package that brings them in\n\n- <details><summary>request 2.88.2 (new, direct) brings 41 new packages; 1 with findings above info, shown above (is-typedarray)</summary>\n\n  ajv 6\\.15\\.0, asn1 0\\.2\\.6,',
    );
    const table = r.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| package') && !l.startsWith('| ---'));
    expect(table).toHaveLength(3);
    const checks = r.stdout.slice(r.stdout.indexOf('### Checks not made'));
    expect(checks).toContain(
      '\n- this registry leaves out publishers, maintainers and publish times\\: 9 rules could not fully check 53 packages; point `--registry` at one that serves them (publisher-changed,',
    );
    // and the advisory endpoint the mirror lacks, and the code stage, turned off
    expect(checks.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(3);
  });

  it('github and SARIF: an annotation (as many as GitHub shows) and a result for every finding, and the same verdict', async () => {
    const [github, sarif] = await Promise.all([diff('--format', 'github'), diff('--format', 'sarif')]);
    expect(github.stdout.split('\n').filter((l) => l.startsWith('::notice '))).toHaveLength(10);
    expect(github.stdout).toContain('GitHub shows 10 annotations of each level per step: 34 notices were left out');
    expect(github.stdout.endsWith(`\n${VERDICT}\n`)).toBe(true);
    expect(JSON.parse(sarif.stdout).runs[0].results).toHaveLength(44);
  });

  it('exit codes stay as documented: a partial pass is 0 (with or without --allow-incomplete), a finding at --fail-on is 1', async () => {
    expect((await diff('--allow-incomplete')).code).toBe(0);
    const failing = await diff('--fail-on', 'low');
    expect(failing.code).toBe(1);
    expect(failing.stdout.endsWith('\ndepguard: FAIL: 3 packages with findings at or above low\n')).toBe(true);
  });
});

describe('quiet when nothing matters: the pre-commit hook', () => {
  /** A repository whose last commit has express-request's base, with an .npmrc pointing at the mirror, and the hook installed. */
  async function repoWithHook(): Promise<string> {
    const repo = tempRepo();
    copyFileSync(path.join(BASE, 'package-lock.json'), path.join(repo, 'package-lock.json'));
    copyFileSync(path.join(BASE, 'package.json'), path.join(repo, 'package.json'));
    writeFileSync(path.join(repo, '.npmrc'), `registry=${mirror.url}\n`);
    git(repo, 'add', '.');
    git(repo, 'commit', '-qm', 'base');
    expect((await runCli(['hook', 'install', '--', '--no-code'], { cwd: repo })).code).toBe(0);
    return repo;
  }

  it('a commit that passes prints one line: the verdict, the lockfile, and what --verbose would show', async () => {
    const repo = await repoWithHook();
    copyFileSync(path.join(HEAD, 'package-lock.json'), path.join(repo, 'package-lock.json'));
    copyFileSync(path.join(HEAD, 'package.json'), path.join(repo, 'package.json'));
    git(repo, 'add', '.');
    const commit = await gitAsync(repo, ['commit', '-qm', 'add request']);
    expect(commit.code).toBe(0);
    expect(commit.stdout).toBe('');
    expect(commit.stderr).toBe(
      `${VERDICT} (index:package-lock.json: 54 changes; below high: 3 low, 41 info; --verbose shows the report)\n`,
    );
  }, 60_000);

  it('depguard diff --staged by hand is as brief; --verbose and --output-file get the whole report', async () => {
    const repo = await repoWithHook();
    copyFileSync(path.join(HEAD, 'package-lock.json'), path.join(repo, 'package-lock.json'));
    copyFileSync(path.join(HEAD, 'package.json'), path.join(repo, 'package.json'));
    git(repo, 'add', 'package-lock.json', 'package.json');
    // one cache for the four runs: the first fills it
    const cache = ['--cache-dir', mkdtempSync(path.join(os.tmpdir(), 'depguard-cache-'))];
    const brief = await runCli(['diff', '--staged', '--no-code', ...cache], { cwd: repo });
    expect(brief.stdout.split('\n')).toHaveLength(2);
    const [verbose, file, failing] = await Promise.all([
      runCli(['diff', '--staged', '--no-code', ...cache, '--verbose'], { cwd: repo }),
      runCli(['diff', '--staged', '--no-code', ...cache, '--output-file', 'report.txt'], { cwd: repo }),
      runCli(['diff', '--staged', '--no-code', ...cache, '--fail-on', 'low'], { cwd: repo }),
    ]);
    expect(verbose.stdout).toContain('\nNew packages, by the package that brings them in\n');
    expect(verbose.stdout.endsWith(`\n${VERDICT}\n`)).toBe(true);
    expect(file.stdout).toBe('');
    expect(readFileSync(path.join(repo, 'report.txt'), 'utf8')).toContain('\nChecks not made\n');
    // a run that does not pass shows the whole report, as before
    expect(failing.code).toBe(1);
    expect(failing.stdout).toContain('\nLOW      is-typedarray 1.0.0  (added, transitive)\n');
  }, 90_000);
});

describe('the text report says how many paths it left out', () => {
  it('debug 4.4.3 has 8 copies in the real kitchen-sink monorepo: 3 paths shown, 5 counted', async () => {
    const lockfile = fixture('real-npm', 'kitchen-sink', 'head', 'package-lock.json');
    const docs = lockfileDocuments(lockfile);
    // a finding to show it by: the registry marks the version deprecated
    docs.get('debug')!.versions['4.4.3'].deprecated = 'use something else';
    const registry = await startRegistry(docs);
    try {
      const cwd = fixture('real-npm', 'kitchen-sink', 'head');
      const cache = ['--cache-dir', mkdtempSync(path.join(os.tmpdir(), 'depguard-cache-'))];
      const r = await runCli(['audit', '--registry', registry.url, ...cache], { cwd });
      const block = r.stdout.slice(r.stdout.indexOf('LOW      debug 4.4.3'));
      expect(block.split('\n').slice(2, 6)).toEqual([
        expect.stringMatching(/^ {2}path kitchen-sink > .*debug@4\.4\.3$/),
        expect.stringMatching(/^ {2}path /),
        expect.stringMatching(/^ {2}path /),
        '  … 5 more paths (depguard why debug lists them)',
      ]);
      const json = JSON.parse((await runCli(['audit', '--registry', registry.url, ...cache, '--format', 'json'], { cwd })).stdout);
      const debug = json.findings.find((f: { package: { name: string } }) => f.package.name === 'debug');
      expect(debug.paths).toHaveLength(5);
      expect(debug.pathCount).toBe(8);
    } finally {
      await registry.close();
    }
  }, 90_000);
});
