import { describe, expect, it } from 'vitest';
import { formatGithub } from '../../src/report/github.js';
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
