import { describe, expect, it } from 'vitest';
import { formatMarkdown } from '../../src/report/markdown.js';
import { finding, resultWith, unavailable } from '../helpers/result.js';

const GITHUB_COMMENT_LIMIT = 65_536;
/** Pipes that end a table cell: those not escaped with a backslash. */
const cellBreaks = (line: string): number => (line.match(/(?<!\\)\|/g) ?? []).length;

describe('formatMarkdown', () => {
  it('gives the verdict, a table row and a details block per package, then what was not checked', () => {
    const result = resultWith(
      [
        finding('event-stream', '3.3.6', {
          ruleId: 'publisher-changed',
          severity: 'critical',
          change: 'upgraded',
          previousVersion: '3.3.4',
          direct: true,
          message: 'published by right9ctrl',
          escalation: { combination: 'newcomer-ships-new-code', from: 'medium', reason: 'the event-stream pattern' },
        }),
        finding('event-stream', '3.3.6', {
          ruleId: 'new-dependency',
          severity: 'critical',
          change: 'upgraded',
          previousVersion: '3.3.4',
          direct: true,
          message: '3.3.6 depends on flatmap-stream',
        }),
        finding('flatmap-stream', '0.1.1'),
      ],
      {
        skipped: [
          { ruleId: 'publisher-changed', package: { name: 'left-pad', version: '1.0.0' }, reason: 'the registry sent no publisher' },
        ],
        unavailable: [unavailable('gone', '1.0.0', 'not found on the registry (404)')],
      },
    );
    const out = formatMarkdown(result, { failOn: 'high' });
    const lines = out.split('\n');
    expect(lines[0]).toBe('## ❌ depguard: FAIL: 1 package with findings at or above high');
    expect(out).toContain('| package | change | highest severity | rules |');
    expect(out).toContain(
      '| event\\-stream | 3\\.3\\.4 \\-&gt; 3\\.3\\.6 (upgraded, direct) | **critical** | publisher-changed, new-dependency |',
    );
    // a new package with nothing above info is not a row of its own: it is in the block of the package that brings it
    expect(out).not.toContain('| flatmap\\-stream');
    expect(out).toContain(
      '### New packages, by the package that brings them in\n\n- parent 1\\.0\\.0 brings 1 new package\\: flatmap\\-stream 0\\.1\\.1; none with findings above info\n',
    );
    expect(out).toContain(
      '<details><summary><strong>critical</strong> event-stream 3.3.4 -&gt; 3.3.6</summary>\n\n- **critical** publisher-changed: published by right9ctrl\n  - raised from medium: the event\\-stream pattern\n',
    );
    expect(out.match(/<details>/g)).toHaveLength(1);
    expect(out.match(/<\/details>/g)).toHaveLength(1);
    expect(out.indexOf('### Checks not made')).toBeGreaterThan(out.lastIndexOf('</details>'));
    expect(out).toContain('- the registry sent no publisher\\: publisher\\-changed could not fully check 1 package \\(left\\-pad\\)');
    expect(out).toContain('### Could not be checked');
    expect(out).toContain('- gone@\u200d1\\.0\\.0: not found on the registry \\(404\\)');
    expect(out).not.toContain('not shown');
  });

  it('says so when nothing was found', () => {
    const out = formatMarkdown(resultWith([]), { failOn: 'high' });
    expect(out).toMatch(/^## ✅ depguard: PASS: no findings at or above high\n/);
    expect(out).toContain('\nNo findings.\n');
    expect(out).not.toContain('<details>');
  });

  it('keeps strangers from rendering HTML, links, mentions, references or extra table cells', () => {
    const hostile = [
      '<img src=x onerror=alert(1)>',
      '[click](javascript:alert(1))',
      'cc @octocat and #123',
      '\u001b[31mred\u001b[0m',
      'line one\n\n## line two\n</details>',
      'a | b | c',
    ];
    const findings = hostile.map((text, i) =>
      finding(`pkg-${i}|x`, `1.0.${i}|y`, {
        severity: 'low',
        message: text,
        paths: [
          [
            { name: 'app', version: '1.0.0' },
            { name: text, version: text },
          ],
        ],
      }),
    );
    const out = formatMarkdown(
      resultWith(findings, {
        skipped: [{ ruleId: 'version-jump', package: { name: '@octocat', version: '1' }, reason: hostile[1]! }],
        unavailable: [unavailable(hostile[0]!, '1', hostile[4]!)],
      }),
      { failOn: 'high' },
    );
    expect(out).not.toMatch(/<(?!\/?(details|summary|strong)>)/);
    expect(out).not.toMatch(/(?<!\\)\]\(/);
    expect(out).not.toMatch(/@(?!\u200d)[a-z]/i);
    expect(out).not.toMatch(/#(?!\u200d)\d/);
    expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(out).not.toMatch(/^## line two/m);
    // a block for each package, and one for the new packages `app` brings (all shown on their own)
    expect(out.match(/<\/details>/g)).toHaveLength(hostile.length + 1);
    expect(out).toContain('<details><summary>app 1.0.0 brings 6 new packages; 6 with findings above info, shown above (pkg-0|x, ');
    const rows = out.split('\n').filter((l) => l.startsWith('| pkg'));
    expect(rows).toHaveLength(hostile.length);
    for (const row of rows) expect(cellBreaks(row), row).toBe(5);
  });

  it('stays under the comment limit with 5,000 changed packages, keeps the most severe, and says what it left out', () => {
    const findings = Array.from({ length: 5_000 }, (_, i) => [
      finding(`package-number-${i}`, `1.0.${i}`, {
        message: `new in the tree, brought in by parent-${i}: first published ${'long ago '.repeat(20)}`,
      }),
      finding(`package-number-${i}`, `1.0.${i}`, {
        ruleId: 'version-jump',
        severity: i === 4_999 ? 'critical' : 'low',
        message: 'released after 3 years without a release',
      }),
    ]).flat();
    const unreachable = Array.from({ length: 5_000 }, (_, i) =>
      unavailable(`unreachable-${i}`, '1.0.0', `request failed (${'ETIMEDOUT '.repeat(10)})`),
    );
    const skipped = Array.from({ length: 5_000 }, (_, i) => ({
      ruleId: 'publisher-changed',
      package: { name: `p-${i}`, version: '1.0.0' },
      reason: `reason number ${i}`,
    }));
    const out = formatMarkdown(resultWith(findings, { unavailable: unreachable, skipped }), { failOn: 'high' });
    expect(out.length).toBeLessThanOrEqual(60_000);
    expect(out.length).toBeLessThan(GITHUB_COMMENT_LIMIT);
    const shown = out.split('\n').filter((l) => l.startsWith('| package\\-number')).length;
    expect(shown).toBeGreaterThan(10);
    expect(out.match(/<details>/g)).toHaveLength(shown);
    expect(out).toContain(`_… ${5_000 - shown} more packages not shown; run depguard locally or see the JSON/SARIF output._`);
    expect(out.split('\n').find((l) => l.startsWith('| package\\-number'))).toContain('package\\-number\\-4999');
    expect(out).toMatch(/^- … and \d+ more$/m);
    expect(out).toContain('### Could not be checked');
    expect(out).toContain('### Checks not made');
  });

  it('honours a smaller limit', () => {
    const findings = Array.from({ length: 50 }, (_, i) => finding(`p${i}`, '1.0.0', { severity: 'low' }));
    const out = formatMarkdown(resultWith(findings), { failOn: 'high', maxLength: 3_000 });
    expect(out.length).toBeLessThanOrEqual(3_000);
    expect(out).toMatch(/_… \d+ more packages not shown/);
  });
});
