import { describe, expect, it } from 'vitest';
import { publisherChanged } from '../../src/rules/publisher-changed.js';
import { context, person, releases, stripped, upgrade } from '../helpers/rules.js';

const history = releases(6, '2016-01-01T00:00:00Z', 60, 'alice');
const spec = (next: { by: string; time: string }) => ({
  name: 'pkg',
  versions: [...history, { version: '1.0.6', time: next.time, publisher: person(next.by), maintainers: [person('alice'), person(next.by)] }],
});

describe('publisher-changed', () => {
  it('is medium for an account that never published the package before', () => {
    const out = publisherChanged.check(context(upgrade('pkg', '1.0.5', '1.0.6'), spec({ by: 'mallory', time: '2018-01-01T00:00:00Z' })));
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({ severity: 'medium', traits: ['publisher:new'], evidence: { publisher: 'mallory', previousPublisher: 'alice', earlierReleasesByPublisher: 0 } });
  });

  it('is medium for an account whose first release of the package was weeks ago', () => {
    const s = spec({ by: 'mallory', time: '2018-01-10T00:00:00Z' });
    s.versions.splice(6, 0, { version: '1.0.5-x', time: '2018-01-01T00:00:00Z', publisher: person('mallory'), maintainers: [] });
    const out = publisherChanged.check(context(upgrade('pkg', '1.0.5', '1.0.6'), s));
    expect(out.findings[0]).toMatchObject({ severity: 'medium', traits: ['publisher:recent'], evidence: { publisherTenureDays: 9 } });
  });

  it('is info for a long-standing co-maintainer', () => {
    const s = { name: 'pkg', versions: [...releases(4, '2015-01-01T00:00:00Z', 90, 'bob'), ...releases(6, '2016-01-01T00:00:00Z', 60, 'alice').map((v, i) => ({ ...v, version: `1.1.${i}` })), { version: '1.2.0', time: '2018-01-01T00:00:00Z', publisher: person('bob'), maintainers: [person('alice'), person('bob')] }] };
    const out = publisherChanged.check(context(upgrade('pkg', '1.1.5', '1.2.0'), s));
    expect(out.findings[0]).toMatchObject({ severity: 'info', traits: ['publisher:established'] });
  });

  it('is low for a listed maintainer of the previous version publishing for the first time', () => {
    const s = { name: 'pkg', versions: [...history.slice(0, 5), { ...history[5]!, maintainers: [person('alice'), person('carol')] }, { version: '1.0.6', time: '2018-01-01T00:00:00Z', publisher: person('carol'), maintainers: [person('alice'), person('carol')] }] };
    expect(publisherChanged.check(context(upgrade('pkg', '1.0.5', '1.0.6'), s)).findings[0]).toMatchObject({ severity: 'low', traits: ['publisher:first-release'] });
  });

  it('is info when the release moves to trusted publishing', () => {
    const ci = { name: 'GitHub Actions', email: 'npm-oidc-no-reply@github.com', trustedPublisher: { id: 'github' } };
    const s = { name: 'pkg', versions: [...history, { version: '1.0.6', time: '2018-01-01T00:00:00Z', publisher: ci, maintainers: [person('alice')] }] };
    expect(publisherChanged.check(context(upgrade('pkg', '1.0.5', '1.0.6'), s)).findings[0]).toMatchObject({ severity: 'info', traits: ['publisher:trusted'] });
  });

  it('says nothing when the same account published both versions', () => {
    const out = publisherChanged.check(context(upgrade('pkg', '1.0.4', '1.0.5'), { name: 'pkg', versions: history }));
    expect(out).toEqual({ findings: [] });
  });

  it('is not evaluated, and does not fire, when the registry leaves publishers out', () => {
    const out = publisherChanged.check(context(upgrade('pkg', '1.0.5', '1.0.6'), stripped(spec({ by: 'mallory', time: '2018-01-01T00:00:00Z' }))));
    expect(out.findings).toEqual([]);
    expect(out.unchecked).toMatch(/_npmUser/);
  });
});
