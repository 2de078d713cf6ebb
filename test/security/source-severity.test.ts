import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import type { Change } from '../../src/model.js';
import { sourceChanged } from '../../src/rules/source-changed.js';
import { diffJson, documents, editJson, editText, findingsOf, project } from '../helpers/attack.js';
import { fixture } from '../helpers/cli.js';
import { judgeCase } from '../helpers/rule-tester.js';
import { added, upgrade } from '../helpers/rules.js';

const LEGIT = JSON.parse(readFileSync(fixture('event-stream', 'head', 'package-lock.json'), 'utf8')).packages['node_modules/event-stream'];
const FOREIGN = 'https://registry.npmjs-mirror.example/event-stream/-/event-stream-3.3.6.tgz';
const GIT = 'git+https://github.com/right9ctrl/event-stream.git#e3160bfa8c6c6a4ac5b5a2e31ac4ed5b41d4fb67';

// A registry that strips publishers and times: the bump 3.3.4 -> 3.3.6 alone gives only low
// findings and passes, so whatever fails the gate below is the source.
let mirror: Registry;
beforeAll(async () => {
  mirror = await startRegistry(documents({ mirror: true }));
});
afterAll(() => mirror.close());

const NPM_BASE = fixture('event-stream', 'base', 'package-lock.json');
const sources = (r: Awaited<ReturnType<typeof diffJson>>, name = 'event-stream') =>
  findingsOf(r, name, 'source-changed').map((f) => `${f.severity} ${(f.evidence.problems as string[]).join(',')}`);

describe('source problems fail the gate by default (exit 1 at --fail-on high)', () => {
  it('the untouched bump passes: the baseline of the cases below', async () => {
    const r = await diffJson([
      '--base',
      NPM_BASE,
      '--head',
      fixture('event-stream', 'head', 'package-lock.json'),
      '--registry',
      mirror.url,
    ]);
    expect(r.code).toBe(0);
    expect(r.findings.every((f) => f.severity === 'low' || f.severity === 'info')).toBe(true);
  });

  it('npm: a bump resolved on a foreign host', async () => {
    const dir = project('event-stream', 'head');
    editJson(path.join(dir, 'package-lock.json'), (lock) => (lock.packages['node_modules/event-stream'].resolved = FOREIGN));
    const r = await diffJson(['--base', NPM_BASE, '--head', path.join(dir, 'package-lock.json'), '--registry', mirror.url]);
    expect(r.code).toBe(1);
    expect(sources(r)).toEqual(['high foreign-host']);
  });

  it('npm: a foreign host stays high on a package the policy trusts', async () => {
    const dir = project('event-stream', 'head');
    editJson(path.join(dir, 'package-lock.json'), (lock) => (lock.packages['node_modules/event-stream'].resolved = FOREIGN));
    writeFileSync(path.join(dir, 'depguard.config.json'), JSON.stringify({ trusted: ['event-stream'] }));
    const r = await diffJson(['--base', NPM_BASE, '--head', path.join(dir, 'package-lock.json'), '--registry', mirror.url], dir);
    expect(r.code).toBe(1);
    expect(sources(r)).toEqual(['high foreign-host']);
    expect(findingsOf(r, 'event-stream', 'new-dependency').map((f) => f.severity)).toEqual(['low']); // trusted caps the rest
  });

  it('npm: a local file tarball', async () => {
    const dir = project('event-stream', 'head');
    editJson(
      path.join(dir, 'package-lock.json'),
      (lock) => (lock.packages['node_modules/event-stream'].resolved = 'file:vendor/event-stream-3.3.6.tgz'),
    );
    const r = await diffJson(['--base', NPM_BASE, '--head', path.join(dir, 'package-lock.json'), '--registry', mirror.url]);
    expect(r.code).toBe(1);
    expect(sources(r)).toEqual(['high file']);
  });

  it("npm: a version the registry does not list, whose tarball is another package's", async () => {
    const dir = project('event-stream', 'head');
    editJson(path.join(dir, 'package-lock.json'), (lock) => {
      lock.packages[''].dependencies['event-stream'] = '3.3.7';
      Object.assign(lock.packages['node_modules/event-stream'], {
        version: '3.3.7',
        resolved: 'https://registry.npmjs.org/flatmap-stream/-/flatmap-stream-0.1.1.tgz',
      });
    });
    const r = await diffJson(['--base', NPM_BASE, '--head', path.join(dir, 'package-lock.json'), '--registry', mirror.url]);
    expect(r.code).toBe(1);
    expect(sources(r)).toEqual(['high tarball-mismatch']);
    expect(findingsOf(r, 'event-stream', 'version-unpublished').map((f) => f.severity)).toEqual(['medium']);
  });

  it('yarn.lock v1: a bump installed from git', async () => {
    const dir = project('event-stream', 'yarn-classic', 'head');
    editText(path.join(dir, 'yarn.lock'), (text) =>
      text.replace(/resolved "https:\/\/registry\.npmjs\.org\/event-stream\/-\/event-stream-3\.3\.6\.tgz#[0-9a-f]+"/, `resolved "${GIT}"`),
    );
    const r = await diffJson([
      '--base',
      fixture('event-stream', 'yarn-classic', 'base', 'yarn.lock'),
      '--head',
      path.join(dir, 'yarn.lock'),
      '--registry',
      mirror.url,
    ]);
    expect(r.code).toBe(1);
    expect(sources(r)).toEqual(['high git']);
  });

  it('pnpm: a bump whose tarball is on a foreign host', async () => {
    const dir = project('event-stream', 'pnpm', 'head');
    editText(path.join(dir, 'pnpm-lock.yaml'), (text) =>
      text.replace(`resolution: {integrity: ${LEGIT.integrity}}`, `resolution: {integrity: ${LEGIT.integrity}, tarball: ${FOREIGN}}`),
    );
    const r = await diffJson([
      '--base',
      fixture('event-stream', 'pnpm', 'base', 'pnpm-lock.yaml'),
      '--head',
      path.join(dir, 'pnpm-lock.yaml'),
      '--registry',
      mirror.url,
    ]);
    expect(r.code).toBe(1);
    expect(sources(r)).toEqual(['high foreign-host']);
  });
});

describe('source-changed: the severity of each source', () => {
  const bump = (resolved: string, kind: Change['kind'] = 'upgraded'): Change => {
    const c = upgrade('p', kind === 'source-changed' ? '1.0.1' : '1.0.0', '1.0.1', { kind });
    return { ...c, after: { ...c.after!, resolved, integrity: `sha512-${'A'.repeat(86)}==` } };
  };
  const cases: Array<[string, Change, string]> = [
    ['a foreign host on a bump', bump('https://evil.example/p/-/p-1.0.1.tgz'), 'high foreign-host'],
    ['plain http on a bump', bump('http://registry.npmjs.org/p/-/p-1.0.1.tgz'), 'high http'],
    ['git on a bump', bump('git+ssh://git@github.com/x/p.git#abc'), 'high git'],
    ['github shorthand', bump('github:x/p#abc'), 'high git'],
    ['a local file', bump('file:../p'), 'high file'],
    ['a tarball URL on the registry host', bump('https://registry.npmjs.org/p.tgz'), 'high tarball'],
    ['not a URL', bump('p-1.0.1.tgz'), 'high unknown-scheme'],
    ['another scheme', bump('ftp://registry.npmjs.org/p/-/p-1.0.1.tgz'), 'high unknown-scheme'],
    [
      'a new package from git',
      { ...added('p', '1.0.0'), after: { ...added('p', '1.0.0').after!, resolved: 'git+https://github.com/x/p.git#abc' } },
      'high git',
    ],
    [
      "the project's own patch stays medium (its code is in the change)",
      bump('patch:p@npm%3A1.0.1#./.yarn/patches/p.patch::locator=app%40workspace%3A.'),
      'medium patch',
    ],
  ];
  it.each(cases)('%s', (_, change, expected) => {
    expect(
      judgeCase(sourceChanged, { name: 'case', change }).findings.map(
        (f) => `${f.severity} ${(f.evidence.problems as string[]).join(',')}`,
      ),
    ).toEqual([expected]);
  });
});
