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

  it('says how many paths it left out', () => {
    const step = (i: number) => [
      { name: 'app', version: '1.0.0' },
      { name: `parent-${i}`, version: '1.0.0' },
      { name: 'debug', version: '4.4.3' },
    ];
    const debug = finding('debug', '4.4.3', {
      severity: 'low',
      change: 'upgraded',
      previousVersion: '4.4.2',
      paths: [0, 1, 2, 3, 4].map(step),
      pathCount: 8,
    });
    const out = formatText(resultWith([debug]), PLAIN);
    expect(out).toContain('  path app > parent-2@1.0.0 > debug@4.4.3\n  … 5 more paths (depguard why debug lists them)\n\ndepguard: PASS');
    expect(formatText(resultWith([{ ...debug, paths: [step(0)], pathCount: 1 }]), PLAIN)).not.toContain('more path');
  });

  it('checks not made for fields the registry leaves out are one line, whatever the rule; other causes one line each', () => {
    const skip = (ruleId: string, name: string, reason: string, missing?: 'time' | '_npmUser') => ({
      ruleId,
      package: { name, version: '1.0.0' },
      reason,
      ...(missing ? { missing } : {}),
    });
    const out = formatText(
      resultWith([], {
        skipped: [
          skip('young-version', 'a', 'the registry sent no trustworthy publish time for this version', 'time'),
          skip('publisher-changed', 'b', 'the registry sent no publisher (_npmUser) for these versions', '_npmUser'),
          skip('publisher-changed', 'c', 'the registry sent no publisher (_npmUser) for these versions'),
          skip('young-version', 'b', 'the registry sent no trustworthy publish time for this version', 'time'),
        ],
      }),
      PLAIN,
    );
    expect(out).toContain(
      [
        'Checks not made',
        '  this registry leaves out publishers and publish times: 2 rules could not fully check 2 packages (a, b); point --registry at one that serves them',
        '    rules: publisher-changed, young-version',
        '  the registry sent no publisher (_npmUser) for these versions: publisher-changed could not fully check 1 package (c)',
        '',
      ].join('\n'),
    );
  });

  it('a pass on which most rules could not run says so', () => {
    const partial = formatText(resultWith([], { coverage: { applied: 5, notRun: ['a', 'b', 'c'] } }), PLAIN);
    expect(
      partial.endsWith(
        '\ndepguard: PASS, but most checks were not made (3 of 5 rules could not run in full): no findings at or above high\n',
      ),
    ).toBe(true);
    // half is not most
    const half = formatText(resultWith([], { coverage: { applied: 4, notRun: ['a', 'b'] } }), PLAIN);
    expect(half.endsWith('\ndepguard: PASS: no findings at or above high\n')).toBe(true);
  });

  it('brief: a pass is one line; a run that fails is the whole report', () => {
    const low = finding('a', '1.0.0', { severity: 'low', change: 'upgraded', previousVersion: '0.9.0' });
    expect(formatText(resultWith([low, finding('b', '1.0.0')]), { ...PLAIN, brief: true })).toBe(
      'depguard: PASS: no findings at or above high (package-lock.json: 2 changes; below high: 1 low, 1 info; --verbose shows the report)\n',
    );
    expect(formatText(resultWith([]), { ...PLAIN, brief: true })).toBe(
      'depguard: PASS: no findings at or above high (package-lock.json: no package changes)\n',
    );
    expect(formatText(resultWith([low, finding('b', '1.0.0')]), { ...PLAIN, brief: true, verbose: true })).toContain(
      '\nLOW      a 0.9.0 -> 1.0.0',
    );
    const failing = formatText(resultWith([low]), { ...PLAIN, failOn: 'low', brief: true });
    expect(failing.startsWith('depguard diff HEAD:package-lock.json -> package-lock.json\n')).toBe(true);
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
    // in a block of new packages, on its line and under --verbose
    const quiet = finding('new\u001b[2Jpkg', '1.0.0\r\n', { message: 'x\u001b]8;;' });
    for (const verbose of [false, true]) {
      const block = formatText(resultWith([quiet]), { ...PLAIN, verbose });
      expect(block).toContain('New packages, by the package that brings them in');
      expect(block).toContain('new\\u001b[2Jpkg 1.0.0\\r\\n');
      expect(block).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    }
  });
});
