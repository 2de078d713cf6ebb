import { describe, expect, it } from 'vitest';
import { formatSarif } from '../../src/report/sarif.js';
import { RULES } from '../../src/rules/index.js';
import { finding, resultWith, unavailable } from '../helpers/result.js';

const options = { toolVersion: '9.9.9' };
/** Where the loaders found each package's entry. */
const LINES: Record<string, number> = { a: 7, b: 12 };
const at = (name: string) => ({ location: { file: 'app/package-lock.json', line: LINES[name]! } });

const sarif = (...args: Parameters<typeof formatSarif>): any => JSON.parse(formatSarif(...args));

describe('formatSarif', () => {
  const result = resultWith([
    finding('a', '1.0.0', {
      ruleId: 'publisher-changed',
      severity: 'critical',
      change: 'upgraded',
      previousVersion: '0.9.0',
      message: 'published by someone new',
      escalation: { combination: 'x', from: 'medium', reason: 'the event-stream pattern' },
      ...at('a'),
    }),
    finding('a', '1.0.0', {
      ruleId: 'version-jump',
      severity: 'high',
      change: 'upgraded',
      previousVersion: '0.9.0',
      message: 'dormant',
      ...at('a'),
    }),
    finding('b', '2.0.0', { ruleId: 'maintainers-changed', severity: 'medium', message: 'maintainers changed', ...at('b') }),
    finding('b', '2.0.0', { ruleId: 'new-dependency', severity: 'low', message: 'new dependency', ...at('b') }),
    finding('b', '2.0.0', { ruleId: 'new-package', severity: 'info', ...at('b') }),
    finding('a', '1.0.0', { ruleId: 'version-jump', severity: 'low', message: 'another jump', ...at('a') }),
  ]);

  it('describes depguard and each rule that fired, with its security severity', () => {
    const log = sarif(result, options);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'depguard', version: '9.9.9', informationUri: 'https://github.com/depguard/depguard' });
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual(
      ['publisher-changed', 'maintainers-changed', 'new-dependency', 'new-package', 'version-jump'].map((id) => `depguard/${id}`),
    );
    const byId = Object.fromEntries(driver.rules.map((r: { id: string }) => [r.id, r]));
    expect(byId['depguard/publisher-changed']).toEqual({
      id: 'depguard/publisher-changed',
      shortDescription: { text: RULES.find((r) => r.id === 'publisher-changed')!.title },
      helpUri: 'https://github.com/depguard/depguard/blob/main/docs/rules/publisher-changed.md',
      defaultConfiguration: { level: 'warning' },
      properties: { tags: ['security', 'supply-chain'], 'security-severity': '9.5' },
    });
    const severities = Object.fromEntries(
      driver.rules.map((r: { id: string; properties: Record<string, string> }) => [r.id, r.properties['security-severity']]),
    );
    expect(severities).toEqual({
      'depguard/publisher-changed': '9.5',
      'depguard/maintainers-changed': '5.5',
      'depguard/new-dependency': '3.0',
      'depguard/new-package': '1.0',
      'depguard/version-jump': '8.0',
    });
    expect(sarif(resultWith([finding('b', '2.0.0')]), options).runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      'depguard/new-package',
    ]);
  });

  it("puts each finding at its location, the package's entry in the head lockfile", () => {
    const results = sarif(result, options).runs[0].results;
    expect(results.map((r: { ruleId: string; level: string }) => `${r.ruleId} ${r.level}`)).toEqual([
      'depguard/publisher-changed error',
      'depguard/version-jump error',
      'depguard/maintainers-changed warning',
      'depguard/new-dependency note',
      'depguard/new-package note',
      'depguard/version-jump note',
    ]);
    expect(results[0].locations).toEqual([
      { physicalLocation: { artifactLocation: { uri: 'app/package-lock.json' }, region: { startLine: 7 } } },
    ]);
    expect(results[2].locations[0].physicalLocation.region.startLine).toBe(12);
    expect(results[0].message.text).toBe(
      'a 0.9.0 -> 1.0.0: published by someone new\nRaised from medium: the event-stream pattern.\nDependency path: app > parent@1.0.0 > a@1.0.0.',
    );
  });

  it('fingerprints the finding, not its line or wording', () => {
    const fingerprint = (log: { runs: Array<{ results: Array<{ partialFingerprints: Record<string, string> }> }> }, i: number): string =>
      log.runs[0]!.results[i]!.partialFingerprints['depguardFindingHash/v1']!;
    const before = sarif(result, options);
    const movedAndReworded = resultWith(
      result.findings.map((f) => ({ ...f, message: `${f.message}, reworded`, location: { ...f.location, line: f.location.line + 40 } })),
    );
    const after = sarif(movedAndReworded, options);
    expect(after.runs[0].results[0].locations[0].physicalLocation.region.startLine).not.toBe(
      before.runs[0].results[0].locations[0].physicalLocation.region.startLine,
    );
    for (let i = 0; i < result.findings.length; i++) {
      expect(fingerprint(after, i)).toMatch(/^[0-9a-f]{64}$/);
      expect(fingerprint(after, i)).toBe(fingerprint(before, i));
    }
    expect(new Set(result.findings.map((_, i) => fingerprint(before, i))).size).toBe(result.findings.length);
    const bumped = sarif(resultWith([{ ...result.findings[0]!, package: { name: 'a', version: '1.0.1' } }]), options);
    expect(fingerprint(bumped, 0)).not.toBe(fingerprint(before, 0));
  });

  it('writes the path as a relative URI', () => {
    const log = sarif(resultWith([finding('missing', '1.0.0', { location: { file: 'my app/#1/package-lock.json', line: 1 } })]), options);
    expect(log.runs[0].results[0].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'my%20app/%231/package-lock.json' },
      region: { startLine: 1 },
    });
  });

  it('is a valid empty run when nothing was found', () => {
    const log = sarif(resultWith([]), options);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].tool.driver.rules).toEqual([]);
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: true, toolExecutionNotifications: [] }]);
  });

  it("says which checks were not made, as the run's tool notifications", () => {
    const skipped = (ruleId: string, name: string, reason: string) => ({ ruleId, package: { name, version: '1.0.0' }, reason });
    const noVersions = 'the registry does not list both versions';
    const many = Array.from({ length: 12 }, (_, i) => skipped('maintainers-changed', `m${i}`, 'the registry leaves out maintainers'));
    const base = resultWith([], {
      skipped: [skipped('publisher-changed', 'x', noVersions), skipped('publisher-changed', 'y', noVersions), ...many],
      unavailable: [unavailable('z', '2.0.0', 'not found on the registry (404)', { file: 'app/package-lock.json', line: 9 })],
    });
    const log = sarif({ ...base, code: { checked: false, reason: '--no-code' } }, options);
    expect(log.runs[0].invocations).toEqual([
      {
        executionSuccessful: true,
        toolExecutionNotifications: [
          {
            level: 'warning',
            message: { text: `publisher-changed was not checked for 2 packages (x, y): ${noVersions}` },
            associatedRule: { id: 'depguard/publisher-changed' },
          },
          {
            level: 'warning',
            message: {
              text: 'maintainers-changed was not checked for 12 packages (m0, m1, m2, m3, m4, m5, m6, m7, m8, m9 and 2 more): the registry leaves out maintainers',
            },
            associatedRule: { id: 'depguard/maintainers-changed' },
          },
          {
            level: 'warning',
            message: { text: 'z@2.0.0 could not be checked: not found on the registry (404)' },
            locations: [{ physicalLocation: { artifactLocation: { uri: 'app/package-lock.json' }, region: { startLine: 9 } } }],
          },
          { level: 'note', message: { text: 'code not checked: --no-code' } },
        ],
      },
    ]);
  });
});
