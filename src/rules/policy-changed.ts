import { defineProjectRule } from './rule.js';

/**
 * The change edits depguard's policy (rules, ignore entries, trusted packages, cooldown). The
 * change under review never decides how it is judged: the edit is not applied (the base
 * revision's policy is), and it takes effect once merged. Said out loud, because a pull request
 * that switches a rule off or approves its own package is exactly what a reviewer must see.
 */
export const policyChanged = defineProjectRule({
  id: 'policy-changed',
  title: "The change edits depguard's policy: the base revision's policy was applied instead",
  defaultSeverity: 'high',
  check(_base, _head, { policyEdits }) {
    return {
      findings: policyEdits.map((edit) => ({
        subject: edit.place,
        version: '',
        evidence: { place: edit.place, change: edit.change, applied: 'base' },
        message: `this change ${edit.change === 'added' ? 'adds' : edit.change === 'removed' ? 'removes' : 'edits'} depguard's policy (${edit.place}): it was judged by the base revision's policy instead, and the edit takes effect once merged`,
      })),
    };
  },
});
