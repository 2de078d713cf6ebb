import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { expiryDate } from '../../src/config/approval.js';
import { matchingIgnore } from '../../src/config/apply.js';
import { EMPTY_POLICY, validatePolicy } from '../../src/config/policy.js';
import type { IgnoreEntry } from '../../src/model.js';
import { RULE_IDS } from '../../src/rules/index.js';
import { diffJson, documents, editJson, editText, EVIL_INTEGRITY, EVIL_URL, findingsOf, npmDecoy, project } from '../helpers/attack.js';
import { fixture, runCli } from '../helpers/cli.js';

const LEGIT = JSON.parse(readFileSync(fixture('event-stream', 'head', 'package-lock.json'), 'utf8')).packages['node_modules/event-stream']
  .integrity as string;
const DAY = 86_400_000;

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(documents());
});
afterAll(() => registry.close());

interface Format {
  readonly dir: string[];
  readonly lockfile: string;
  /** Swaps the resolved URL and integrity of event-stream 3.3.6 in the project's lockfile. */
  readonly swap: (file: string) => void;
}

const FORMATS: Record<string, Format> = {
  npm: {
    dir: ['event-stream'],
    lockfile: 'package-lock.json',
    swap: (file) =>
      editJson(file, (lock) =>
        Object.assign(lock.packages['node_modules/event-stream'], { resolved: EVIL_URL, integrity: EVIL_INTEGRITY }),
      ),
  },
  'yarn v1': {
    dir: ['event-stream', 'yarn-classic'],
    lockfile: 'yarn.lock',
    swap: (file) =>
      editText(file, (text) =>
        text
          .replace(
            /resolved "https:\/\/registry\.npmjs\.org\/event-stream\/-\/event-stream-3\.3\.6\.tgz#[0-9a-f]+"/,
            `resolved "${EVIL_URL}"`,
          )
          .replace(LEGIT, EVIL_INTEGRITY),
      ),
  },
};

const approve = (dir: string, ...args: string[]) => runCli(['approve', ...args, '--registry', registry.url], { cwd: dir });

describe('an approval covers the reviewed release, not what its lockfile entry is later swapped for', () => {
  for (const [format, f] of Object.entries(FORMATS)) {
    it(`${format}: approve names the rules found, binds the integrity, expires in 90 days; a swap afterwards fails the gate`, async () => {
      const dir = project(...f.dir, 'head');
      const lockfile = path.join(dir, f.lockfile);
      const base = fixture(...f.dir, 'base', f.lockfile);
      const before = await diffJson(['--base', base, '--head', lockfile, '--registry', registry.url], dir);
      expect(before.code).toBe(1);
      const found = [...new Set(findingsOf(before, 'event-stream').map((x) => x.ruleId))].sort();
      expect(found).toContain('publisher-changed');

      const a = await approve(dir, 'event-stream@3.3.6', '--reason', 'diffed 3.3.4..3.3.6', '--base', base);
      expect(a.stderr).toBe('');
      expect(a.code).toBe(0);
      const entry = JSON.parse(readFileSync(path.join(dir, 'depguard.config.json'), 'utf8')).ignore[0];
      expect(entry).toEqual({
        package: 'event-stream',
        version: '3.3.6',
        rules: found,
        integrity: LEGIT,
        reason: 'diffed 3.3.4..3.3.6',
        expires: expect.any(String),
        approvedBy: expect.any(String),
        approvedAt: expect.any(String),
      });
      expect(Math.round((Date.parse(entry.expires) - Date.parse(entry.approvedAt.slice(0, 10))) / DAY)).toBe(90);

      const approved = await diffJson(['--base', base, '--head', lockfile, '--registry', registry.url], dir);
      expect(findingsOf(approved, 'event-stream')).toEqual([]);
      expect(approved.suppressed.filter((s) => s.finding.package.name === 'event-stream').length).toBeGreaterThan(0);

      f.swap(lockfile);
      const swapped = await diffJson(['--base', base, '--head', lockfile, '--registry', registry.url], dir);
      expect(swapped.code).toBe(1);
      expect(findingsOf(swapped, 'event-stream', 'source-changed').map((x) => x.severity)).toEqual(['high']);
      // the entry was bound to the reviewed bytes: the release's other findings are back too
      expect(findingsOf(swapped, 'event-stream', 'publisher-changed').map((x) => x.severity)).toEqual(['critical']);
      expect(swapped.suppressed.filter((s) => s.finding.package.name === 'event-stream')).toEqual([]);
    });
  }

  it('npm: a copy with other bytes added next to the approved one is not covered (every copy must match)', async () => {
    const dir = project('event-stream', 'head');
    const lockfile = path.join(dir, 'package-lock.json');
    const base = fixture('event-stream', 'base', 'package-lock.json');
    expect((await approve(dir, 'event-stream@3.3.6', '--reason', 'reviewed', '--base', base)).code).toBe(0);
    editJson(lockfile, (lock) => {
      npmDecoy(lock);
      lock.packages['node_modules/a/node_modules/event-stream'].integrity = EVIL_INTEGRITY;
    });
    const r = await diffJson(['--base', base, '--head', lockfile, '--registry', registry.url], dir);
    expect(r.code).toBe(1);
    expect(r.suppressed.filter((s) => s.finding.package.name === 'event-stream')).toEqual([]);
  });

  it('hand-written entries keep working, but neither "*" nor "source-changed" covers a swapped entry', async () => {
    const dir = project('event-stream', 'head');
    const lockfile = path.join(dir, 'package-lock.json');
    const ignore = [
      { package: 'event-stream', version: '3.3.6', rule: 'source-changed', reason: 'old-style waiver' },
      { package: 'event-stream', reason: 'everything, forever' },
    ];
    writeFileSync(path.join(dir, 'depguard.config.json'), JSON.stringify({ ignore }));
    FORMATS.npm!.swap(lockfile);
    const r = await diffJson(
      ['--base', fixture('event-stream', 'head', 'package-lock.json'), '--head', lockfile, '--registry', registry.url],
      dir,
    );
    expect(r.code).toBe(1);
    expect(findingsOf(r, 'event-stream').map((x) => `${x.ruleId} ${x.severity}`)).toEqual(['source-changed high']);
    // and "*" still covers the other rules of an upgrade, as before
    const upgrade = await diffJson(
      [
        '--base',
        fixture('event-stream', 'base', 'package-lock.json'),
        '--head',
        fixture('event-stream', 'head', 'package-lock.json'),
        '--registry',
        registry.url,
      ],
      dir,
    );
    expect(findingsOf(upgrade, 'event-stream')).toEqual([]);
  });
});

describe('approve refuses what it cannot honestly record (exit 2, one line)', () => {
  const cases: Array<[string, string[], RegExp]> = [
    [
      '--rule source-changed',
      ['event-stream@3.3.6', '--rule', 'source-changed'],
      /--rule source-changed: lockfile tampering is never approved/,
    ],
    [
      'a version the lockfile does not lock',
      ['event-stream@3.3.5', '--rule', 'publisher-changed'],
      /^depguard: event-stream@3\.3\.5 is not in package-lock\.json \(it locks event-stream 3\.3\.6\): approve a version the lockfile locks\n$/,
    ],
    ['a package the lockfile does not lock', ['left-pad@1.3.0'], /left-pad@1\.3\.0 is not in package-lock\.json/],
    ['an expiry in the past', ['event-stream@3.3.6', '--expires', '2001-01-01'], /--expires 2001-01-01 is already past/],
    [
      'an expiry that is neither a date nor a duration',
      ['event-stream@3.3.6', '--expires', 'soon'],
      /--expires must be a date \(YYYY-MM-DD\) or a duration/,
    ],
    ['a version without findings', ['through@2.3.8'], /through@2\.3\.8 has no findings between .* nothing to approve/],
  ];
  it.each(cases)('%s', async (_, args, message) => {
    const dir = project('event-stream', 'head');
    const r = await approve(dir, ...args, '--reason', 'r', '--base', fixture('event-stream', 'base', 'package-lock.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(path.join(dir, 'depguard.config.json'))).toBe(false);
  });

  it('--rule and --expires as a duration: only the named rules, until that many days from now', async () => {
    const dir = project('event-stream', 'head');
    const r = await approve(
      dir,
      'event-stream@3.3.6',
      '--reason',
      'r',
      '--rule',
      'new-dependency',
      '--rule',
      'publisher-changed',
      '--expires',
      '30d',
      '--base',
      fixture('event-stream', 'base', 'package-lock.json'),
    );
    expect(r.code).toBe(0);
    const entry = JSON.parse(readFileSync(path.join(dir, 'depguard.config.json'), 'utf8')).ignore[0];
    expect(entry).toMatchObject({ rules: ['new-dependency', 'publisher-changed'], integrity: LEGIT });
    expect(Math.round((Date.parse(entry.expires) - Date.parse(entry.approvedAt.slice(0, 10))) / DAY)).toBe(30);
  });
});

describe('ignore entries, as data', () => {
  const validate = (entry: Record<string, unknown>) => () =>
    validatePolicy({ ignore: [{ package: 'p', reason: 'r', ...entry }] }, 'policy.json', RULE_IDS);
  it('rejects rules listing source-changed, both rule and rules, and an integrity that is not one', () => {
    expect(validate({ rules: ['source-changed'] })).toThrow(/ignore\[0\]\.rules cannot include source-changed/);
    expect(validate({ rules: [] })).toThrow(/ignore\[0\]\.rules must be a non-empty array of rule ids/);
    expect(validate({ rule: 'young-version', rules: ['young-version'] })).toThrow(/has both rule and rules/);
    expect(validate({ integrity: 'md5?' })).toThrow(/ignore\[0\]\.integrity must be an integrity hash/);
    expect(validate({ rule: 'source-changed' })).not.toThrow(); // an old file still loads
  });

  it('matches an integrity-bound entry only when every copy carries exactly that integrity', () => {
    const entry: IgnoreEntry = { package: 'p', version: '1.0.0', rules: ['young-version'], integrity: 'sha512-AAAA', reason: 'r' };
    const policy = { ...EMPTY_POLICY, ignore: [entry] };
    const target = (integrities: (string | null)[], ruleId = 'young-version') =>
      matchingIgnore(policy, { ruleId, name: 'p', version: '1.0.0', integrities }, 0);
    expect(target(['sha512-AAAA', 'sha512-AAAA'])).toBe(entry);
    expect(target(['sha512-AAAA', 'sha512-BBBB'])).toBeUndefined();
    expect(target([null])).toBeUndefined();
    expect(target(['sha512-AAAA', 'sha512-AAAA'], 'publisher-changed')).toBeUndefined();
    const star = { ...EMPTY_POLICY, ignore: [{ package: 'p', version: '*', rule: '*', reason: 'r' }] };
    expect(matchingIgnore(star, { ruleId: 'source-changed', name: 'p', version: '1.0.0', integrities: [] }, 0)).toBeUndefined();
  });

  it('expires on a date, or a duration from now, never in the past', () => {
    const now = Date.parse('2026-01-10T12:00:00Z');
    expect(expiryDate('90d', now)).toBe('2026-04-10');
    expect(expiryDate('2026-01-10', now)).toBe('2026-01-10');
    expect(() => expiryDate('2026-01-09', now)).toThrow(/already past/);
  });
});
