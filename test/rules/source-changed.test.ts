import type { Change } from '../../src/model.js';
import { sourceChanged } from '../../src/rules/source-changed.js';
import { ruleTester } from '../helpers/rule-tester.js';
import { added, person, upgrade } from '../helpers/rules.js';

const SHA512_A = `sha512-${'A'.repeat(86)}==`;
const SHA512_B = `sha512-${'B'.repeat(86)}==`;
const SHA1 = `sha1-${'C'.repeat(27)}=`;
const reg = (name: string, version: string) => `https://registry.npmjs.org/${name}/-/${name}-${version}.tgz`;

function change(
  kind: 'upgraded' | 'source-changed',
  before: { resolved: string | null; integrity: string | null; version?: string },
  after: { resolved: string | null; integrity: string | null; version?: string },
): Change {
  const c = upgrade('p', before.version ?? '1.0.0', after.version ?? '1.0.0', { kind });
  return { ...c, before: { ...c.before!, ...before }, after: { ...c.after!, ...after } };
}
const fromGit = {
  ...added('p', '1.0.0'),
  after: { ...added('p', '1.0.0').after!, resolved: 'git+ssh://git@github.com/x/p.git#abc', integrity: null },
};

ruleTester.run(sourceChanged, {
  valid: [
    {
      name: 'an ordinary registry upgrade',
      change: change(
        'upgraded',
        { resolved: reg('p', '1.0.0'), integrity: SHA512_A },
        { resolved: reg('p', '1.0.1'), integrity: SHA512_B, version: '1.0.1' },
      ),
    },
    {
      name: 'a lockfile without resolved',
      change: change('upgraded', { resolved: null, integrity: SHA512_A }, { resolved: null, integrity: SHA512_B, version: '1.0.1' }),
    },
    {
      name: 'an older release that only has sha1',
      change: change('upgraded', { resolved: null, integrity: SHA512_A }, { resolved: null, integrity: SHA1, version: '1.0.1' }),
    },
    {
      name: 'a git source the base already had, unchanged',
      change: { ...fromGit, kind: 'source-changed', before: fromGit.after, after: { ...fromGit.after, dependencies: {} } } as Change,
    },
  ],
  invalid: [
    {
      name: 'high when the same version moves to a foreign host with other bytes',
      change: change(
        'source-changed',
        { resolved: reg('p', '1.0.0'), integrity: SHA512_A },
        { resolved: 'https://evil.example/p-1.0.0.tgz', integrity: SHA512_B },
      ),
      findings: [{ severity: 'high', traits: [], evidence: { problems: ['foreign-host', 'integrity-changed'] } }],
    },
    {
      name: 'plain http',
      change: change(
        'upgraded',
        { resolved: reg('p', '1.0.0'), integrity: SHA512_A },
        { resolved: 'http://registry.npmjs.org/p/-/p-1.0.1.tgz', integrity: SHA512_B, version: '1.0.1' },
      ),
      findings: [{ severity: 'high', evidence: { problems: ['http'] } }],
    },
    { name: 'a git source', change: fromGit, findings: [{ severity: 'high', evidence: { problems: ['git'] } }] },
    {
      name: 'weakened integrity on the same version',
      change: change('source-changed', { resolved: null, integrity: SHA512_A }, { resolved: null, integrity: SHA1 }),
      findings: [{ severity: 'high', evidence: { problems: ['integrity-weakened'] } }],
    },
    {
      name: 'a new version without integrity: medium',
      change: change(
        'upgraded',
        { resolved: reg('p', '1.0.0'), integrity: SHA512_A },
        { resolved: reg('p', '1.0.1'), integrity: null, version: '1.0.1' },
      ),
      findings: [{ severity: 'medium', evidence: { problems: ['integrity-missing'] } }],
    },
    {
      name: 'compares with the registry: a sha1 lockfile entry where the registry publishes sha512',
      change: change('upgraded', { resolved: null, integrity: SHA512_A }, { resolved: null, integrity: SHA1, version: '1.0.1' }),
      registry: {
        name: 'p',
        versions: [
          { version: '1.0.0', time: '2020-01-01T00:00:00Z', publisher: person('a') },
          { version: '1.0.1', time: '2020-02-01T00:00:00Z', publisher: person('a') },
        ],
      },
      findings: [{ severity: 'high', evidence: { problems: ['integrity-weakened'] } }],
    },
    {
      name: 'never capped by trust in the package',
      change: fromGit,
      policy: { trusted: ['p'] },
      findings: [{ severity: 'high', evidence: { problems: ['git'] } }],
    },
  ],
});
