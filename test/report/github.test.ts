import { describe, expect, it } from 'vitest';
import { ANNOTATIONS_PER_LEVEL, formatGithub, formatGithubSummary } from '../../src/report/github.js';
import { formatMarkdown } from '../../src/report/markdown.js';
import { finding, resultWith, unavailable } from '../helpers/result.js';

/** Where the loaders found each package's entry. */
const LINES: Record<string, number> = { a: 5, b: 9, c: 13 };
const lineOf = (name: string): number => LINES[name]!;
const at = (name: string) => ({ file: 'app/package-lock.json', line: lineOf(name) });
const options = { failOn: 'high' as const };

describe('formatGithub', () => {
  it('writes one annotation per finding on the package line, by severity, then the verdict', () => {
    const result = resultWith([
      finding('a', '1.0.0', { ruleId: 'publisher-changed', severity: 'critical', message: 'published by someone new', location: at('a') }),
      finding('a', '1.0.0', {
        ruleId: 'version-jump',
        severity: 'high',
        message: 'dormant',
        escalation: { combination: 'x', from: 'low', reason: 'a newcomer' },
        location: at('a'),
      }),
      finding('b', '2.0.0', { ruleId: 'maintainers-changed', severity: 'medium', message: 'maintainers changed', location: at('b') }),
      finding('c', '3.0.0', { severity: 'low', location: at('c') }),
      finding('c', '3.0.0', { ruleId: 'x', severity: 'info', location: at('c') }),
    ]);
    const lines = formatGithub(result, options).trimEnd().split('\n');
    expect(lines).toEqual([
      `::error file=app/package-lock.json,line=${lineOf('a')},title=depguard publisher-changed%3A a 1.0.0::published by someone new`,
      `::error file=app/package-lock.json,line=${lineOf('a')},title=depguard version-jump%3A a 1.0.0::dormant (raised from low: a newcomer)`,
      `::warning file=app/package-lock.json,line=${lineOf('b')},title=depguard maintainers-changed%3A b 2.0.0::maintainers changed`,
      `::notice file=app/package-lock.json,line=${lineOf('c')},title=depguard new-package%3A c 3.0.0::new in the tree: c`,
      `::notice file=app/package-lock.json,line=${lineOf('c')},title=depguard x%3A c 3.0.0::new in the tree: c`,
      'depguard: FAIL: 1 package with findings at or above high',
    ]);
  });

  it('emits the most severe first, at most as many of a level as GitHub shows per step, and says how many it left out', () => {
    const many = (n: number, severity: 'critical' | 'high' | 'medium' | 'low', from = 0) =>
      Array.from({ length: n }, (_, i) =>
        finding(`${severity}-${from + i}`, '1.0.0', { ruleId: `r-${severity}`, severity, location: at('a') }),
      );
    // in lockfile order, as the engine reports them: the severities mixed
    const findings = [...many(3, 'low'), ...many(2, 'high'), ...many(6, 'critical'), ...many(11, 'medium'), ...many(9, 'low', 3)];
    findings.push(...many(6, 'critical', 6), finding('high-2', '1.0.0', { ruleId: 'r-high', severity: 'high', location: at('b') }));
    const result = resultWith(findings, {
      unavailable: [unavailable('u1', '1.0.0', 'timed out', at('c')), unavailable('u2', '1.0.0', 'timed out', at('c'))],
    });
    const lines = formatGithub(result, options).trimEnd().split('\n');
    const annotations = lines.filter((l) => l.startsWith('::'));
    const titles = annotations.map((l) => /title=depguard[^:]*?%3A ([\w-]+)|title=depguard%3A (\w+)@/.exec(l)!.slice(1).find(Boolean));
    expect(ANNOTATIONS_PER_LEVEL).toBe(10);
    // 12 critical and 3 high are errors: the first ten criticals, in the result's order
    expect(titles.slice(0, 10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `critical-${i}`));
    expect(annotations.slice(0, 10).every((l) => l.startsWith('::error '))).toBe(true);
    // warnings: the two packages not checked (they fail the run), then eight of the eleven mediums
    expect(titles.slice(10, 20)).toEqual(['u1', 'u2', ...[0, 1, 2, 3, 4, 5, 6, 7].map((i) => `medium-${i}`)]);
    expect(annotations.slice(10, 20).every((l) => l.startsWith('::warning '))).toBe(true);
    // notices: ten of the twelve lows
    expect(titles.slice(20)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `low-${i}`));
    expect(annotations.slice(20).every((l) => l.startsWith('::notice '))).toBe(true);
    expect(lines.slice(annotations.length)).toEqual([
      'depguard: GitHub shows 10 annotations of each level per step: 5 errors, 3 warnings and 2 notices were left out (the most severe were kept); the step summary lists the findings',
      'depguard: FAIL: 15 packages with findings at or above high',
    ]);

    const summary = formatGithubSummary(result, options);
    expect(summary.startsWith(formatMarkdown(result, options))).toBe(true);
    expect(summary.slice(formatMarkdown(result, options).length)).toBe(
      '\n> [!NOTE]\n> Annotations: GitHub shows 10 annotations of each level per step: 5 errors, 3 warnings and 2 notices were left out (the most severe were kept); the report above lists the findings.\n',
    );
  });

  it('says nothing of limits when every annotation is shown', () => {
    const result = resultWith(Array.from({ length: 10 }, (_, i) => finding(`p${i}`, '1.0.0', { severity: 'high', location: at('a') })));
    const out = formatGithub(result, options);
    expect(out.match(/^::error /gm)).toHaveLength(10);
    expect(out).not.toContain('left out');
    expect(formatGithubSummary(result, options)).toBe(formatMarkdown(result, options));
  });

  it('warns about packages that could not be checked, at their line', () => {
    const out = formatGithub(
      resultWith([], { unavailable: [unavailable('b', '2.0.0', 'not found on the registry (404)', at('b'))] }),
      options,
    );
    expect(out).toBe(
      `::warning file=app/package-lock.json,line=${lineOf('b')},title=depguard%3A b@2.0.0 could not be checked::not found on the registry (404)\n` +
        'depguard: INCOMPLETE: 1 changed package could not be checked\n',
    );
  });

  it('lets no stranger start a workflow command of their own', () => {
    const hostile = 'evil\n::set-output name=x::y\r\n::error::fake and %0A::error::encoded';
    const location = { file: 'dir,with:odd%chars/package-lock.json', line: 3 };
    const result = resultWith([finding(`pkg,title=x::y\n::warning::z`, '1.0.0', { message: hostile, severity: 'critical', location })], {
      unavailable: [unavailable('q', '1', hostile, location)],
    });
    const out = formatGithub(result, options);
    const lines = out.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.filter((l) => l.startsWith('::'))).toHaveLength(2);
    expect(out).not.toMatch(/\n::(set-output|warning::|error::)/);
    // As the runner reads a command: name, properties up to the first '::', then the data.
    const parsed = /^::([a-z]+) ([^:]*)::(.*)$/.exec(lines[0]!);
    expect(parsed).not.toBeNull();
    const [, name, props, data] = parsed!;
    expect(name).toBe('error');
    const properties = Object.fromEntries(props!.split(',').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
    expect(Object.keys(properties)).toEqual(['file', 'line', 'title']);
    expect(decode(properties.file!)).toBe('dir,with:odd%chars/package-lock.json');
    expect(decode(properties.title!)).toBe('depguard new-package: pkg,title=x::y\n::warning::z 1.0.0');
    expect(decode(data!)).toBe(hostile);
  });
});

/** What the runner does to escaped data and properties. */
function decode(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}
