import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackument, startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import type { Change, LockedPackage } from '../../src/model.js';
import { sourceChanged } from '../../src/rules/source-changed.js';
import { diffJson, documents, editJson, editText, EVIL_INTEGRITY, findingsOf, project } from '../helpers/attack.js';
import { fixture } from '../helpers/cli.js';
import { judgeCase } from '../helpers/rule-tester.js';
import { SETTINGS, upgrade } from '../helpers/rules.js';

const LEGIT = JSON.parse(readFileSync(fixture('event-stream', 'head', 'package-lock.json'), 'utf8')).packages['node_modules/event-stream']
  .integrity as string;
const LEGIT_SHA1 = `sha1-${Buffer.from('84f443755b2a8c0d3ee55a42c6debc4fb61eb353', 'hex').toString('base64')}`; // the tarball's real sha1

let registry: Registry;
let mirror: Registry;
beforeAll(async () => {
  registry = await startRegistry(documents());
  mirror = await startRegistry(documents({ mirror: true }));
});
afterAll(async () => {
  await registry.close();
  await mirror.close();
});

const problems = (r: Awaited<ReturnType<typeof diffJson>>) =>
  findingsOf(r, 'event-stream', 'source-changed').map((f) => `${f.severity} ${(f.evidence.problems as string[]).join(',')}`);

describe('integrity is compared as npm verifies it, through the CLI', () => {
  it('npm, same version: a second sha512 hash beside the published one is not "the same"', async () => {
    const dir = project('event-stream', 'head');
    const lockfile = path.join(dir, 'package-lock.json');
    editJson(lockfile, (lock) => (lock.packages['node_modules/event-stream'].integrity = `${EVIL_INTEGRITY} ${LEGIT}`));
    const r = await diffJson([
      '--base',
      fixture('event-stream', 'head', 'package-lock.json'),
      '--head',
      lockfile,
      '--registry',
      registry.url,
    ]);
    expect(r.code).toBe(1);
    expect(problems(r)).toEqual(['high integrity-ambiguous,integrity-changed,integrity-mismatch']);
  });

  it('yarn.lock v1, same version: a weaker algorithm added beside sha512, even with the right digest', async () => {
    const dir = project('event-stream', 'yarn-classic', 'head');
    const lockfile = path.join(dir, 'yarn.lock');
    editText(lockfile, (text) => text.replace(`integrity ${LEGIT}`, `integrity "${LEGIT} ${LEGIT_SHA1}"`));
    const r = await diffJson([
      '--base',
      fixture('event-stream', 'yarn-classic', 'head', 'yarn.lock'),
      '--head',
      lockfile,
      '--registry',
      registry.url,
    ]);
    expect(r.code).toBe(1);
    expect(problems(r)).toEqual(['high integrity-weak-added']);
  });

  it('bun.lock, upgrade: two sha512 hashes on the new version', async () => {
    const dir = project('event-stream', 'bun', 'head');
    const lockfile = path.join(dir, 'bun.lock');
    editText(lockfile, (text) => text.replace(`"${LEGIT}"`, `"${LEGIT} ${EVIL_INTEGRITY}"`));
    const r = await diffJson(['--base', fixture('event-stream', 'bun', 'base', 'bun.lock'), '--head', lockfile, '--registry', mirror.url]);
    expect(r.code).toBe(1);
    expect(problems(r)).toEqual(['high integrity-ambiguous,integrity-mismatch']);
  });

  it("npm, upgrade: a registry URL that is another version's tarball", async () => {
    const dir = project('event-stream', 'head');
    const lockfile = path.join(dir, 'package-lock.json');
    const old = 'https://registry.npmjs.org/event-stream/-/event-stream-3.3.4.tgz';
    editJson(lockfile, (lock) => (lock.packages['node_modules/event-stream'].resolved = old));
    const r = await diffJson([
      '--base',
      fixture('event-stream', 'base', 'package-lock.json'),
      '--head',
      lockfile,
      '--registry',
      mirror.url,
    ]);
    expect(r.code).toBe(1);
    expect(problems(r)).toEqual(['high tarball-mismatch']);
    expect(findingsOf(r, 'event-stream', 'source-changed')[0]!.message).toContain(
      'the tarball of another version of event-stream (event-stream-3.3.4.tgz), not of event-stream@3.3.6',
    );
  });
});

/** ESLint-style cases for the rule: valid changes have no finding, invalid ones exactly these problems. */
describe('source-changed: integrity and registry tarball paths', () => {
  const A = `sha512-${'A'.repeat(86)}==`;
  const B = `sha512-${'B'.repeat(86)}==`;
  const SHA1 = `sha1-${'C'.repeat(27)}=`;
  const SHA256 = `sha256-${'D'.repeat(43)}=`;
  const npm = (name: string, version: string) =>
    `https://registry.npmjs.org/${name}/-/${name.slice(name.lastIndexOf('/') + 1)}-${version}.tgz`;
  const CORP = 'https://npm.corp.example/api/npm/npm/';

  interface Case {
    readonly name?: string;
    readonly kind?: Change['kind'];
    readonly before?: Partial<LockedPackage>;
    readonly after: Partial<LockedPackage>;
    readonly registries?: string[];
    readonly published?: string;
  }

  function run(c: Case): string[][] {
    const name = c.name ?? 'p';
    const base = upgrade(name, c.before?.version ?? '1.0.0', c.after.version ?? '1.0.1', { kind: c.kind ?? 'upgraded' });
    const change: Change = { ...base, before: { ...base.before!, ...c.before }, after: { ...base.after!, ...c.after } };
    let document: Record<string, unknown> | undefined;
    if (c.published) {
      document = buildPackument({ name, versions: [{ version: change.after!.version, time: '2020-01-01T00:00:00Z' }] });
      (document.versions as Record<string, { dist: { integrity: string } }>)[change.after!.version]!.dist.integrity = c.published;
    }
    const out = judgeCase(sourceChanged, {
      name: 'case',
      change,
      ...(document ? { document } : {}),
      settings: { registries: c.registries ?? SETTINGS.registries },
    });
    return out.findings.map((f) => [f.severity, ...(f.evidence.problems as string[])]);
  }

  const valid: Array<[string, Case]> = [
    ['an ordinary registry upgrade', { after: { resolved: npm('p', '1.0.1'), integrity: A } }],
    ['a scoped package', { name: '@scope/p', after: { resolved: npm('@scope/p', '1.0.1'), integrity: A } }],
    [
      'a scoped package with the slash encoded',
      { name: '@scope/p', after: { resolved: 'https://registry.npmjs.org/@scope%2fp/-/p-1.0.1.tgz', integrity: A } },
    ],
    [
      "Yarn's name for the public registry",
      {
        registries: ['https://registry.npmjs.org/', 'https://registry.yarnpkg.com/'],
        after: { resolved: 'https://registry.yarnpkg.com/p/-/p-1.0.1.tgz', integrity: A },
      },
    ],
    ['a registry with a path prefix', { registries: [CORP], after: { resolved: `${CORP}p/-/p-1.0.1.tgz`, integrity: A } }],
    [
      'Artifactory naming a scoped file after the full name',
      { name: '@scope/p', registries: [CORP], after: { resolved: `${CORP}@scope/p/-/@scope/p-1.0.1.tgz`, integrity: A } },
    ],
    ["the registry's own hash", { after: { integrity: A }, published: A }],
    ['the same hash written twice', { after: { integrity: `${A} ${A}` }, published: A }],
    [
      'the same version moving from sha1 to sha512 (nothing to compare)',
      { kind: 'source-changed', before: { version: '1.0.1', integrity: SHA1 }, after: { integrity: A } },
    ],
    [
      'a weaker hash the previous lockfile already listed',
      {
        kind: 'source-changed',
        before: { version: '1.0.1', integrity: `${A} ${SHA1}` },
        after: { integrity: `${A} ${SHA1}`, resolved: npm('p', '1.0.1') },
      },
    ],
  ];
  it.each(valid)('valid: %s', (_, c) => expect(run(c)).toEqual([]));

  const invalid: Array<[string, Case, string[]]> = [
    ['two sha512 hashes', { after: { integrity: `${A} ${B}` } }, ['high', 'integrity-ambiguous']],
    [
      "two sha512 hashes, one of them the registry's",
      { after: { integrity: `${B} ${A}` }, published: A },
      ['high', 'integrity-ambiguous', 'integrity-mismatch'],
    ],
    ['sha1 added beside sha512', { after: { integrity: `${A} ${SHA1}` } }, ['high', 'integrity-weak-added']],
    [
      'sha256 added beside sha512 on the same version',
      { kind: 'source-changed', before: { version: '1.0.1', integrity: A }, after: { integrity: `${A} ${SHA256}` } },
      ['high', 'integrity-weak-added'],
    ],
    ['a weaker hash than the registry publishes', { after: { integrity: SHA1 }, published: A }, ['high', 'integrity-weakened']],
    ["another sha512 than the registry's", { after: { integrity: B }, published: A }, ['high', 'integrity-mismatch']],
    [
      'same version, other bytes',
      { kind: 'source-changed', before: { version: '1.0.1', integrity: A }, after: { integrity: B } },
      ['high', 'integrity-changed'],
    ],
    [
      'same version, hash removed',
      {
        kind: 'source-changed',
        before: { version: '1.0.1', integrity: A, resolved: npm('p', '1.0.1') },
        after: { integrity: null, resolved: npm('p', '1.0.1') },
      },
      ['high', 'integrity-missing'],
    ],
    ['an integrity npm cannot parse', { after: { integrity: 'not-a-hash' } }, ['high', 'integrity-invalid']],
    ["another package's tarball", { after: { resolved: npm('evil', '1.0.1'), integrity: A } }, ['high', 'tarball-mismatch']],
    ["another version's tarball", { after: { resolved: npm('p', '1.0.0'), integrity: A } }, ['high', 'tarball-mismatch']],
    [
      "a scoped package's name on another scope",
      { name: '@scope/p', after: { resolved: npm('@evil/p', '1.0.1'), integrity: A } },
      ['high', 'tarball-mismatch'],
    ],
    [
      'a path outside the configured registry on its host',
      { registries: [CORP], after: { resolved: 'https://npm.corp.example/api/npm/other/p/-/p-1.0.1.tgz', integrity: A } },
      ['high', 'foreign-path'],
    ],
    [
      'a registry host, not a registry package',
      { after: { resolved: 'https://registry.npmjs.org/p.tgz', integrity: A } },
      ['high', 'tarball'],
    ],
  ];
  it.each(invalid)('invalid: %s', (_, c, expected) => expect(run(c)).toEqual([expected]));
});
