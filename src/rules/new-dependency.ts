import { isVersionChange } from '../model.js';
import semver from 'semver';
import { defineRule, pass } from './rule.js';

export const newDependency = defineRule({
  id: 'new-dependency',
  title: 'An updated package declares a dependency its previous version did not',
  defaultSeverity: 'low',
  metadata: 'optional',
  appliesTo: isVersionChange,
  check({ change, before, after }) {
    // The registry's manifests are the authority; the lockfile's copy of them is the fallback.
    const oldDeps = before?.dependencies ?? change.before!.dependencies;
    const newDeps = after?.dependencies ?? change.after!.dependencies;
    const added = Object.keys(newDeps)
      .filter((name) => !Object.hasOwn(oldDeps, name))
      .sort();
    if (added.length === 0) return pass;
    const from = change.before!.version;
    const to = change.after!.version;
    const major = semver.valid(from) && semver.valid(to) && semver.major(to) !== semver.major(from) && semver.major(to) > 0;
    return {
      findings: [
        {
          // a major release is chosen by a person editing package.json
          ...(major ? { severity: 'info' as const } : {}),
          traits: ['payload:new-dependency'],
          evidence: {
            added: added.map((name) => ({ name, spec: newDeps[name] })),
            source: after ? 'registry' : 'lockfile',
            majorRelease: Boolean(major),
          },
          message: `${to} depends on ${added.map((n) => `${n}@${newDeps[n]}`).join(', ')}, which ${from} did not${major ? ' (in a major release)' : ''}`,
        },
      ],
    };
  },
});
