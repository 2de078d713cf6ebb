import { describe, expect, it } from 'vitest';
import type { ProjectFinding } from '../../src/model.js';
import { buildResult } from '../../src/result.js';
import { formatText } from '../../src/report/text.js';
import { finding, resultWith, unavailable } from '../helpers/result.js';
import { upgrade } from '../helpers/rules.js';

const PLAIN = { color: false, failOn: 'high' } as const;

const eventStream = [
  finding('event-stream', '3.3.6', {
    ruleId: 'publisher-changed',
    severity: 'critical',
    change: 'upgraded',
    previousVersion: '3.3.4',
    direct: true,
    message: 'published by right9ctrl',
    escalation: { combination: 'newcomer-ships-new-code', from: 'medium', reason: 'the event-stream pattern' },
    paths: [
      [
        { name: 'app', version: '1.0.0' },
        { name: 'event-stream', version: '3.3.6' },
      ],
    ],
  }),
  finding('event-stream', '3.3.6', {
    ruleId: 'new-dependency',
    severity: 'critical',
    change: 'upgraded',
    previousVersion: '3.3.4',
    direct: true,
    message: '3.3.6 depends on flatmap-stream',
    paths: [
      [
        { name: 'app', version: '1.0.0' },
        { name: 'event-stream', version: '3.3.6' },
      ],
    ],
  }),
  finding('flatmap-stream', '0.1.1', {
    dev: true,
    paths: [
      [
        { name: 'app', version: '1.0.0' },
        { name: 'event-stream', version: '3.3.6' },
        { name: 'flatmap-stream', version: '0.1.1' },
      ],
    ],
  }),
];

describe('formatText', () => {
  it('the header, a block per package (most severe first), its paths, the new packages it brings, and the verdict', () => {
    const out = formatText(resultWith([...eventStream].reverse()), PLAIN);
    expect(out).toBe(
      [
        'depguard diff HEAD:package-lock.json -> package-lock.json',
        '2 changes: 1 added, 1 upgraded',
        '',
        'CRITICAL event-stream 3.3.4 -> 3.3.6  (upgraded, direct)',
        '  critical new-dependency             3.3.6 depends on flatmap-stream',
        '  critical publisher-changed          published by right9ctrl',
        '                                      raised from medium: the event-stream pattern',
        '  path app > event-stream@3.3.6',
        '',
        'New packages, by the package that brings them in',
        '  event-stream 3.3.4 -> 3.3.6 brings 1 new package: flatmap-stream 0.1.1; none with findings above info',
        '',
        'depguard: FAIL: 1 package with findings at or above high',
        '',
      ].join('\n'),
    );
    // --verbose lists each new package of a block, with its findings
    expect(formatText(resultWith(eventStream), { ...PLAIN, verbose: true })).toContain(
      [
        'New packages, by the package that brings them in',
        '  event-stream 3.3.4 -> 3.3.6 brings 1 new package; none with findings above info',
        '    flatmap-stream 0.1.1',
        '      info     new-package                new in the tree: flatmap-stream',
      ].join('\n'),
    );
  });

  it('lines rule ids up to the longest rule id the result lists', () => {
    const out = formatText(
      {
        ...resultWith([finding('a', '1.0.0', { severity: 'low' })]),
        rules: [{ id: 'new-package', title: '', defaultSeverity: 'info', docs: '' }],
      },
      PLAIN,
    );
    expect(out).toContain('\n  low      new-package new in the tree: a\n');
  });

  it('a project finding: its subject and version, "(project)", no path', () => {
    const project: ProjectFinding = {
      kind: 'project',
      ruleId: 'lockfile-out-of-sync',
      severity: 'medium',
      package: { name: 'bar', version: '' },
      message: 'package.json declares bar@^2.0.0 (prod) but the lockfile has no bar',
      evidence: {},
      location: { file: 'package-lock.json', line: 3 },
    };
    const out = formatText(resultWith([project]), { ...PLAIN, failOn: 'medium' });
    expect(out).toContain(
      '\nMEDIUM   bar   (project)\n  medium   lockfile-out-of-sync       package.json declares bar@^2.0.0 (prod) but the lockfile has no bar\n\n',
    );
    expect(out).not.toContain('path');
    expect(out).toContain('depguard: FAIL: 1 package with findings at or above medium');
  });

  it('lists the changes without findings in a short diff, and only counts them in an audit', () => {
    const changes = [upgrade('a', '1.0.0', '1.0.1'), upgrade('b', '2.0.0', '2.1.0')];
    const evaluation = {
      findings: [],
      suppressed: [],
      expiredIgnores: [],
      skipped: [],
      unavailable: [],
      rules: [],
      coverage: { applied: 0, notRun: [] },
    };
    const policy = { source: null, minReleaseAge: '3d', minReleaseAgeSource: 'depguard default', changedByThisChange: false };
    const diff = formatText(buildResult('diff', 'HEAD', 'worktree', changes, evaluation, policy, { checked: true }), PLAIN);
    expect(diff).toContain('\nChanges without findings\n  upgraded       a 1.0.0 -> 1.0.1\n  upgraded       b 2.0.0 -> 2.1.0\n');
    const audit = formatText(buildResult('audit', 'nothing', 'package-lock.json', changes, evaluation, policy, { checked: true }), PLAIN);
    expect(audit).toContain('\n2 packages without findings (--verbose lists them).\n');
    expect(audit.startsWith('depguard audit package-lock.json\n2 packages audited.\n')).toBe(true);
  });

  it('what could not be checked, the checks not made, and INCOMPLETE when nothing else fails', () => {
    const out = formatText(
      resultWith([], {
        unavailable: [unavailable('gone', '1.0.0', 'not found on the registry (404)')],
        skipped: [
          { ruleId: 'publisher-changed', package: { name: 'a', version: '1.0.0' }, reason: 'the registry sent no publisher' },
          { ruleId: 'publisher-changed', package: { name: 'b', version: '1.0.0' }, reason: 'the registry sent no publisher' },
        ],
      }),
      PLAIN,
    );
    expect(out).toContain('\nCould not be checked (registry metadata unavailable)\n  gone@1.0.0: not found on the registry (404)\n');
    expect(out).toContain(
      '\nChecks not made\n  the registry sent no publisher: publisher-changed could not fully check 2 packages (a, b)\n',
    );
    expect(out.endsWith('\ndepguard: INCOMPLETE: 1 changed package could not be checked\n')).toBe(true);
  });

  it('accepted findings and expired entries of the policy', () => {
    const result = resultWith([]);
    const out = formatText(
      {
        ...result,
        suppressed: [
          {
            finding: eventStream[0]!,
            ignore: {
              package: 'event-stream',
              version: '3.3.6',
              rules: ['publisher-changed'],
              reason: 'reviewed',
              approvedBy: 'alice',
              approvedAt: '2026-11-01',
            },
          },
        ],
        expiredIgnores: [{ package: 'left-pad', version: '*', rule: '*', reason: 'old', expires: '2020-01-01' }],
      },
      PLAIN,
    );
    expect(out).toContain(
      '\nAccepted by policy (1 finding, not counted)\n  critical publisher-changed          event-stream@3.3.6: reviewed (alice, 2026-11-01)\n',
    );
    expect(out).toContain('\nExpired policy entries (no longer applied)\n  left-pad@* *: expired 2020-01-01 (old)\n');
    expect(out.endsWith('depguard: PASS: no findings at or above high\n')).toBe(true);
  });

  it('escapes control characters from strangers, and colours only when asked', () => {
    const hostile = finding('evil\u001b[31m', '1.0.0', { message: 'line\n::error::forged', severity: 'high' });
    const out = formatText(resultWith([hostile]), PLAIN);
    expect(out).toContain('evil\\u001b[31m 1.0.0');
    expect(out).toContain('line\\n::error::forged');
    expect(out).not.toMatch(/\u001b/);
    expect(formatText(resultWith([hostile]), { ...PLAIN, color: true })).toMatch(/\u001b\[/);
  });
});
