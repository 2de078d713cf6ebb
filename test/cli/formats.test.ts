import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { AS_OF } from '../../fixtures/patterns.mjs';
import { fixture, runCli } from '../helpers/cli.js';

/** Lockfiles made by the real package managers (scripts/make-fixtures.mjs), for the same updates npm locked. */
const MANAGERS = ['pnpm', 'pnpm-v6', 'yarn-classic', 'yarn-berry', 'bun'];
/**
 * The patterns heads are edited by hand (a foreign tarball URL with other bytes, a weakened hash).
 * Yarn Berry records no integrity, and a URL added to an unchanged version is not a change by
 * itself (as for npm lockfiles that gain `resolved`), so neither edit shows there.
 */
const UNRECORDABLE: Record<string, ReadonlySet<string>> = { 'yarn-berry': new Set(['stable-lib', 'weak-hash']) };
/**
 * Bun, and Yarn with a version 9+ yarn.lock and no enableScripts, run no dependency's install
 * script unless allowed (the fixture projects allow none): there each install script is info,
 * and no payload to combine (docs/rules/install-script-added.md).
 */
const BLOCKS_SCRIPTS: ReadonlySet<string> = new Set(['yarn-berry', 'bun']);

interface Out {
  head: string;
  changes: Array<{
    kind: string;
    name: string;
    version: string;
    previousVersion: string | null;
    direct: boolean;
    dev: boolean;
    paths: Array<Array<{ name: string }>>;
  }>;
  findings: Array<{
    ruleId: string;
    severity: string;
    package: { name: string; version: string };
    paths: Array<Array<{ name: string }>>;
    escalation?: { from: string };
  }>;
}

let eventStream: Registry;
let patterns: Registry;
beforeAll(async () => {
  eventStream = await startRegistry(fixture('event-stream', 'registry'));
  patterns = await startRegistry(fixture('patterns', 'registry'));
});
afterAll(async () => {
  await eventStream.close();
  await patterns.close();
});

/** `depguard diff --base DIR --head DIR`: the lockfile in each directory is found by detection. */
async function diff(
  scenario: string,
  manager: string | null,
  registry: Registry,
  extra: string[] = [],
): Promise<{ code: number | null; out: Out }> {
  const dir = (which: string): string => (manager === null ? fixture(scenario, which) : fixture(scenario, manager, which));
  const r = await runCli(['diff', '--base', dir('base'), '--head', dir('head'), '--registry', registry.url, '--format', 'json', ...extra]);
  if (r.stderr) throw new Error(r.stderr);
  return { code: r.code, out: JSON.parse(r.stdout) as Out };
}

const findings = (out: Out, skip: ReadonlySet<string> = new Set()): string[] =>
  out.findings
    .filter((f) => !skip.has(f.package.name))
    .map((f) => `${f.ruleId} ${f.severity} ${f.package.name}@${f.package.version}`)
    .sort();
const changes = (out: Out, skip: ReadonlySet<string> = new Set()): unknown[] =>
  out.changes
    .filter((c) => !skip.has(c.name))
    .map(({ kind, name, version, previousVersion, direct, dev, paths }) => ({ kind, name, version, previousVersion, direct, dev, paths }));

describe('every lockfile format gives the same change set and findings as package-lock.json', () => {
  for (const manager of MANAGERS) {
    it(`${manager}: event-stream 3.3.4 -> 3.3.6`, async () => {
      const npm = await diff('event-stream', null, eventStream);
      const other = await diff('event-stream', manager, eventStream);
      expect(other.out.head).toMatch(/(pnpm-lock\.yaml|yarn\.lock|bun\.lock)$/);
      expect(changes(other.out)).toEqual(changes(npm.out));
      expect(findings(other.out)).toEqual(findings(npm.out));
      expect(findings(npm.out)).toContain('publisher-changed critical event-stream@3.3.6');
      expect(other.code).toBe(npm.code);
    });

    it(`${manager}: a workspace monorepo attributes the update to the workspace`, async () => {
      const npm = await diff('workspaces', null, eventStream);
      const other = await diff('workspaces', manager, eventStream);
      expect(changes(other.out)).toEqual(changes(npm.out));
      expect(findings(other.out)).toEqual(findings(npm.out));
      const flatmap = other.out.findings.find((f) => f.package.name === 'flatmap-stream')!;
      expect(flatmap.paths[0]!.map((s) => s.name)).toEqual(['monorepo', '@acme/api', 'event-stream', 'flatmap-stream']);
    });

    it(`${manager}: the incident patterns get the same verdicts (install scripts aside, where the manager blocks them)`, async () => {
      const npm = await diff('patterns', null, patterns, ['--as-of', AS_OF]);
      const other = await diff('patterns', manager, patterns, ['--as-of', AS_OF]);
      const unrecordable = UNRECORDABLE[manager] ?? new Set<string>();
      expect(changes(other.out, unrecordable)).toEqual(changes(npm.out, unrecordable));
      const scripts = new Set(npm.out.findings.filter((f) => f.ruleId === 'install-script-added').map((f) => f.package.name));
      const skip = BLOCKS_SCRIPTS.has(manager) ? new Set([...unrecordable, ...scripts]) : unrecordable;
      expect(findings(other.out, skip)).toEqual(findings(npm.out, skip));
      if (BLOCKS_SCRIPTS.has(manager)) {
        const blocked = other.out.findings.filter((f) => f.ruleId === 'install-script-added');
        expect(new Set(blocked.map((f) => f.package.name))).toEqual(scripts);
        // info, unless a blocked script on a release that lost its provenance raised it (Shai-Hulud)
        for (const f of blocked) expect(f.escalation?.from ?? f.severity).toBe('info');
      } else expect(findings(other.out)).toContain('install-script-added high scope-lint@3.7.2');
      if (!unrecordable.has('stable-lib')) expect(findings(other.out)).toContain('source-changed high stable-lib@1.0.0');
    });
  }
});

describe('choosing and refusing lockfiles', () => {
  it('finds the pnpm lockfile in the current directory and says which it chose', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'detect-'));
    copyFileSync(fixture('event-stream', 'pnpm', 'head', 'pnpm-lock.yaml'), path.join(dir, 'pnpm-lock.yaml'));
    copyFileSync(fixture('event-stream', 'bun', 'head', 'bun.lock'), path.join(dir, 'bun.lock'));
    const r = await runCli(
      ['diff', '--base', fixture('event-stream', 'pnpm', 'base', 'pnpm-lock.yaml'), '--registry', eventStream.url, '--format', 'json'],
      { cwd: dir },
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).head).toBe('pnpm-lock.yaml (chosen over bun.lock)');
    expect(r.code).toBe(1);
  });

  const refusals: Array<[string, string | Buffer, RegExp]> = [
    ['bun.lockb', Buffer.from('#!/usr/bin/env bun\nbun-lockfile-format-v0\n\u0000\u0001'), /bun\.lockb: is Bun's binary lockfile/],
    ['yarn.lock', 'not: a lockfile\n', /yarn\.lock: is neither a Yarn v1 lockfile/],
    ['pnpm-lock.yaml', "lockfileVersion: '9.0'\nimporters: [\n", /pnpm-lock\.yaml: is not valid YAML/],
    ['random.bin', Buffer.from([0, 1, 2, 3, 0xff]), /random\.bin: is not a lockfile depguard can read/],
  ];
  for (const [name, content, message] of refusals) {
    it(`exits 2 with one line on ${name}`, async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'refuse-'));
      writeFileSync(path.join(dir, name), content);
      const r = await runCli([
        'diff',
        '--base',
        fixture('event-stream', 'base', 'package-lock.json'),
        '--head',
        path.join(dir, name),
        '--registry',
        eventStream.url,
      ]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }

  it('exits 2 in a directory whose only lockfile is bun.lockb', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lockb-'));
    writeFileSync(path.join(dir, 'bun.lockb'), Buffer.from([0, 1, 2]));
    const r = await runCli(['audit', '--registry', eventStream.url], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^depguard: bun\.lockb: is Bun's binary lockfile/);
  });
});
