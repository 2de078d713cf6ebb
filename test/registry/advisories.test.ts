import { describe, expect, it } from 'vitest';
import { bulkBodies, readBulkResponse } from '../../src/registry/advisories.js';
import { authorizationFor, type RegistryConfig } from '../../src/registry/npmrc.js';
import { matchingIgnore, policySeverity, ruleEnabled, trustedCap } from '../../src/config/apply.js';
import { ALWAYS_CRITICAL, EMPTY_POLICY, validatePolicy } from '../../src/config/policy.js';
import { RULE_IDS } from '../../src/rules/index.js';
import { SEVERITIES } from '../../src/severity.js';

describe('reading the bulk endpoint answer', () => {
  const good = {
    id: 1,
    url: 'https://github.com/advisories/GHSA-x',
    title: 'Malware in a',
    severity: 'critical',
    vulnerable_versions: '>=0',
    cwe: ['CWE-506'],
    cvss: {},
  };

  it("reads npm's shape; a name left out has no advisories; a name not asked is ignored", () => {
    const out = readBulkResponse({ a: [good], z: [good] }, ['a', 'b']);
    expect([...out!.keys()]).toEqual(['a', 'b']);
    expect(out!.get('a')).toEqual({
      advisories: [
        {
          id: 1,
          url: 'https://github.com/advisories/GHSA-x',
          title: 'Malware in a',
          severity: 'critical',
          vulnerableVersions: '>=0',
          cwe: ['CWE-506'],
        },
      ],
    });
    expect(out!.get('b')).toEqual({ advisories: [] });
  });

  it("uses npm's defaults (severity high, every version) and drops a URL that is not http(s)", () => {
    const out = readBulkResponse({ a: [{ id: 'GHSA-1', url: 'javascript:alert(1)' }] }, ['a']);
    expect(out!.get('a')).toEqual({
      advisories: [{ id: 'GHSA-1', url: null, title: '', severity: 'high', vulnerableVersions: '*', cwe: [] }],
    });
  });

  it('never reads a bad advisory as "no advisories"', () => {
    for (const bad of [{ url: 'x' }, { id: 1, severity: 'urgent' }, { id: 1, vulnerable_versions: 'not a range' }, 'text', null]) {
      expect(readBulkResponse({ a: [bad] }, ['a'])!.get('a')).toEqual({
        unavailable: 'the advisory endpoint sent an advisory depguard cannot read',
      });
    }
  });

  it('is not the endpoint when the answer is not an object of lists', () => {
    for (const body of [[], 'x', null, { error: 'not found' }, { a: {} }]) expect(readBulkResponse(body, ['a'])).toBeNull();
  });

  it('cuts long titles', () => {
    const out = readBulkResponse({ a: [{ ...good, title: 'x'.repeat(10_000) }] }, ['a'])!.get('a');
    expect(out && 'advisories' in out ? out.advisories[0]!.title : null).toHaveLength(300);
  });
});

describe('request bodies', () => {
  it('one body for a small tree, versions once each, names sorted', () => {
    expect(
      bulkBodies(
        new Map([
          ['b', ['1.0.0', '1.0.0', '2.0.0']],
          ['a', ['1.0.0']],
        ]),
      ),
    ).toEqual([{ a: ['1.0.0'], b: ['1.0.0', '2.0.0'] }]);
  });

  it('several bodies under 256 KB for a large one, every name in exactly one', () => {
    const wanted = new Map(Array.from({ length: 20_000 }, (_, i) => [`package-with-a-long-name-${i}`, ['1.0.0', '1.0.1']] as const));
    const bodies = bulkBodies(wanted);
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(JSON.stringify(b).length).toBeLessThanOrEqual(256 * 1024);
    expect(bodies.flatMap((b) => Object.keys(b)).sort()).toEqual([...wanted.keys()].sort());
  });
});

describe('credentials for the advisory request, as npm-registry-fetch finds them', () => {
  const config = (options: Record<string, string>): RegistryConfig => ({ registry: 'https://r.example/npm/', options });
  const url = 'https://r.example/npm/-/npm/v1/security/advisories/bulk';

  it('the longest configured prefix of the URL, token first', () => {
    expect(authorizationFor(config({ '//r.example/npm/:_authToken': 't1', '//r.example/:_authToken': 't2' }), url)).toBe('Bearer t1');
    expect(authorizationFor(config({ '//r.example/:_authToken': 't2' }), url)).toBe('Bearer t2');
    expect(authorizationFor(config({ '//r.example/npm/:_auth': 'dXM6cHc=' }), url)).toBe('Basic dXM6cHc=');
    expect(
      authorizationFor(
        config({ '//r.example/npm/:username': 'u', '//r.example/npm/:_password': Buffer.from('p').toString('base64') }),
        url,
      ),
    ).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  it("never another host's", () => {
    expect(authorizationFor(config({ '//other.example/:_authToken': 't', '//r.example.evil/:_authToken': 't' }), url)).toBeUndefined();
  });
});

describe('known-malicious cannot be lowered, turned off, capped or covered', () => {
  const policy = { ...EMPTY_POLICY, rules: { [ALWAYS_CRITICAL]: 'off' as const }, trusted: ['*'] };
  it('by the functions that apply the policy', () => {
    expect(ruleEnabled(policy, ALWAYS_CRITICAL)).toBe(true);
    for (const s of SEVERITIES) {
      expect(policySeverity({ ...policy, rules: { [ALWAYS_CRITICAL]: s } }, ALWAYS_CRITICAL, 'p', 'critical')).toBe('critical');
      expect(trustedCap(policy, ALWAYS_CRITICAL, 'p', s)).toBe('critical');
    }
    const ignore = { package: '*', version: '*', rule: '*', reason: 'everything' };
    expect(
      matchingIgnore({ ...policy, ignore: [ignore] }, { ruleId: ALWAYS_CRITICAL, name: 'p', version: '1.0.0', integrities: [] }, 0),
    ).toBeUndefined();
    expect(
      matchingIgnore({ ...policy, ignore: [ignore] }, { ruleId: 'known-vulnerable', name: 'p', version: '1.0.0', integrities: [] }, 0),
    ).toBe(ignore);
  });

  it('by a policy file, which is refused', () => {
    expect(() => validatePolicy({ rules: { 'known-malicious': 'low' } }, 'p.json', RULE_IDS)).toThrow(
      'p.json: rules.known-malicious cannot be set',
    );
    expect(() => validatePolicy({ ignore: [{ package: 'x', rules: ['known-malicious'], reason: 'r' }] }, 'p.json', RULE_IDS)).toThrow(
      'p.json: ignore[0].rules cannot name known-malicious',
    );
    expect(validatePolicy({ rules: { 'known-vulnerable': 'off' } }, 'p.json', RULE_IDS).rules).toEqual({ 'known-vulnerable': 'off' });
  });
});
