import { describe, expect, it } from 'vitest';
import { sourceChanged } from '../../src/rules/source-changed.js';
import { added, context, person, upgrade } from '../helpers/rules.js';

const SHA512_A = `sha512-${'A'.repeat(86)}==`;
const SHA512_B = `sha512-${'B'.repeat(86)}==`;
const SHA1 = `sha1-${'C'.repeat(27)}=`;
const reg = (name: string, version: string) => `https://registry.npmjs.org/${name}/-/${name}-${version}.tgz`;

function change(kind: 'upgraded' | 'source-changed', before: { resolved: string | null; integrity: string | null; version?: string }, after: { resolved: string | null; integrity: string | null; version?: string }) {
  const c = upgrade('p', before.version ?? '1.0.0', after.version ?? '1.0.0', { kind });
  return { ...c, before: { ...c.before!, ...before }, after: { ...c.after!, ...after } };
}

describe('source-changed', () => {
  it('is high when the same version moves to a foreign host with other bytes', () => {
    const out = sourceChanged.check(context(change('source-changed', { resolved: reg('p', '1.0.0'), integrity: SHA512_A }, { resolved: 'https://evil.example/p-1.0.0.tgz', integrity: SHA512_B }), null));
    expect(out.findings[0]).toMatchObject({ severity: 'high', evidence: { problems: ['foreign-host', 'integrity-changed'] } });
  });

  it('flags plain http, a git source, weakened and missing integrity', () => {
    const http = sourceChanged.check(context(change('upgraded', { resolved: reg('p', '1.0.0'), integrity: SHA512_A }, { resolved: 'http://registry.npmjs.org/p/-/p-1.0.1.tgz', integrity: SHA512_B, version: '1.0.1' }), null));
    expect(http.findings[0]!.evidence).toMatchObject({ problems: ['http'] });
    const git = sourceChanged.check(context({ ...added('p', '1.0.0'), after: { ...added('p', '1.0.0').after!, resolved: 'git+ssh://git@github.com/x/p.git#abc', integrity: null } }, null));
    expect(git.findings[0]!.evidence).toMatchObject({ problems: ['git'] });
    const weak = sourceChanged.check(context(change('source-changed', { resolved: null, integrity: SHA512_A }, { resolved: null, integrity: SHA1 }), null));
    expect(weak.findings[0]).toMatchObject({ severity: 'high', evidence: { problems: ['integrity-weakened'] } });
    const missing = sourceChanged.check(context(change('upgraded', { resolved: reg('p', '1.0.0'), integrity: SHA512_A }, { resolved: reg('p', '1.0.1'), integrity: null, version: '1.0.1' }), null));
    expect(missing.findings[0]!.evidence).toMatchObject({ problems: ['integrity-missing'] });
  });

  it('compares with the registry: a sha1 lockfile entry where the registry publishes sha512', () => {
    const c = change('upgraded', { resolved: null, integrity: SHA512_A }, { resolved: null, integrity: SHA1, version: '1.0.1' });
    const spec = { name: 'p', versions: [{ version: '1.0.0', time: '2020-01-01T00:00:00Z', publisher: person('a') }, { version: '1.0.1', time: '2020-02-01T00:00:00Z', publisher: person('a') }] };
    expect(sourceChanged.check(context(c, spec)).findings[0]!.evidence).toMatchObject({ problems: ['integrity-weakened'] });
  });

  it('is quiet for an ordinary registry upgrade, a lockfile without resolved, and an older release that only has sha1', () => {
    expect(sourceChanged.check(context(change('upgraded', { resolved: reg('p', '1.0.0'), integrity: SHA512_A }, { resolved: reg('p', '1.0.1'), integrity: SHA512_B, version: '1.0.1' }), null)).findings).toEqual([]);
    expect(sourceChanged.check(context(change('upgraded', { resolved: null, integrity: SHA512_A }, { resolved: null, integrity: SHA512_B, version: '1.0.1' }), null)).findings).toEqual([]);
    expect(sourceChanged.check(context(change('upgraded', { resolved: null, integrity: SHA512_A }, { resolved: null, integrity: SHA1, version: '1.0.1' }), null)).findings).toEqual([]);
  });
});
