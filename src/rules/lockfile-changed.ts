import { defineProjectRule, type ProjectDraft } from './rule.js';

/**
 * The change adds a lockfile beside the one(s) the base had, or removes one. Package managers
 * choose their lockfile by name, so a `package-lock.json` added to a pnpm project decides what
 * `npm ci` installs; depguard audits every lockfile on either side, and says the set changed.
 */
export const lockfileChanged = defineProjectRule({
  id: 'lockfile-changed',
  title: 'The change adds or removes a lockfile beside the one the base had',
  defaultSeverity: 'high',
  check(_base, _head, { lockfiles }) {
    // a project's first lockfile is audited in full as it is: no set of lockfiles changed hands
    if (lockfiles === null || lockfiles.base.length === 0) return { findings: [] };
    const evidence = (change: 'added' | 'removed', file: string): ProjectDraft['evidence'] => ({
      change,
      lockfile: file,
      baseLockfiles: lockfiles.base,
      headLockfiles: lockfiles.head,
    });
    const had = lockfiles.base.join(', ');
    const findings: ProjectDraft[] = [
      ...lockfiles.head
        .filter((f) => !lockfiles.base.includes(f))
        .map((file) => ({
          subject: file,
          version: '',
          evidence: evidence('added', file),
          message: `this change adds ${file} beside ${had}: a package manager may install from it instead; depguard audited it as new`,
        })),
      ...lockfiles.base
        .filter((f) => !lockfiles.head.includes(f))
        .map((file) => ({
          subject: file,
          version: '',
          evidence: evidence('removed', file),
          message: `this change removes ${file}, which the base had${lockfiles.head.length ? ` (the head has ${lockfiles.head.join(', ')})` : ''}`,
        })),
    ];
    return { findings };
  },
});
