import { describe, expect, it } from 'vitest';
import { combine, type Signal } from '../../src/rules/combine.js';
import type { Trait } from '../../src/rules/rule.js';
import type { Severity } from '../../src/severity.js';

const d = (ruleId: string, severity: Severity, ...traits: Trait[]): Signal => ({
  ruleId,
  severity,
  draft: { message: '', evidence: {}, traits },
});

describe('combine', () => {
  it('raises a newcomer publisher with a new dependency to critical in an in-range update', () => {
    const out = combine(
      [
        d('publisher-changed', 'medium', 'publisher:recent'),
        d('new-dependency', 'low', 'payload:new-dependency'),
        d('maintainers-changed', 'low', 'maintainers:added'),
      ],
      { inRange: true, added: false },
    );
    expect(out.map((f) => f.severity)).toEqual(['critical', 'critical', 'low']);
    expect(out[0]!.escalation).toMatchObject({ combination: 'newcomer-ships-new-code', from: 'medium' });
  });

  it('leaves a single weak signal alone', () => {
    expect(combine([d('new-dependency', 'low', 'payload:new-dependency')], { inRange: true, added: false }).map((f) => f.severity)).toEqual(
      ['low'],
    );
    expect(
      combine([d('publisher-changed', 'info', 'publisher:established'), d('new-dependency', 'low', 'payload:new-dependency')], {
        inRange: true,
        added: false,
      }).map((f) => f.severity),
    ).toEqual(['info', 'low']);
  });

  it('does not escalate a major release a person chose', () => {
    expect(
      combine([d('publisher-changed', 'medium', 'publisher:new'), d('new-dependency', 'info', 'payload:new-dependency')], {
        inRange: false,
        added: false,
      }).map((f) => f.severity),
    ).toEqual(['medium', 'info']);
  });
});
