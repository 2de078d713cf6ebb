import semver from 'semver';
import type { Snapshot } from '../model.js';
import { defineProjectRule, type ProjectDraft } from './rule.js';

/**
 * The head's package.json asks for something its lockfile does not hold (npm ci would refuse it,
 * npm install would resolve it fresh, unreviewed), or package.json changed dependencies while
 * the lockfile did not.
 */
export const lockfileOutOfSync = defineProjectRule({
  id: 'lockfile-out-of-sync',
  title: "The head's package.json declares dependencies its lockfile does not satisfy",
  defaultSeverity: 'medium',
  check(base, head) {
    if (!head.manifest) return { findings: [], unchecked: 'no package.json came with the head lockfile' };
    const topLevel = head.rootVersions ?? rootDependencies(head);
    const findings: ProjectDraft[] = [];
    const manifestChanged = base.manifest !== null && JSON.stringify(sorted(base.manifest)) !== JSON.stringify(sorted(head.manifest));
    for (const [name, { spec, type }] of Object.entries(head.manifest).sort(([a], [b]) => (a < b ? -1 : 1))) {
      const lockedSpec = head.lockedRoot?.[name]?.spec;
      const version = topLevel.get(name);
      const evidence = {
        declared: spec,
        type,
        lockedVersion: version ?? null,
        lockfileMadeFor: lockedSpec ?? null,
        packageJsonChanged: manifestChanged,
      };
      if (version === undefined) {
        if (type === 'optional') continue;
        findings.push({
          subject: name,
          version: '',
          evidence,
          message: `package.json declares ${name}@${spec} (${type}) but the lockfile has no ${name}: it would be resolved fresh at install, unreviewed`,
        });
        continue;
      }
      const range = spec.startsWith('npm:') ? spec.slice(spec.lastIndexOf('@') + 1) : spec;
      if (semver.validRange(range) && !semver.satisfies(version, range, { includePrerelease: true })) {
        findings.push({
          subject: name,
          version,
          evidence,
          message: `package.json declares ${name}@${spec} but the lockfile holds ${version}`,
        });
      } else if (head.lockedRoot && lockedSpec !== undefined && lockedSpec !== spec) {
        findings.push({
          subject: name,
          version,
          severity: 'low',
          evidence,
          message: `package.json declares ${name}@${spec} but the lockfile was made for ${name}@${lockedSpec}: regenerate the lockfile so the change is reviewed`,
        });
      }
    }
    return { findings };
  },
});

/** name -> version of what the root's edges resolve to. */
function rootDependencies(snapshot: Snapshot): Map<string, string> {
  const byLocation = new Map(snapshot.nodes.map((n) => [n.location, n]));
  const out = new Map<string, string>();
  for (const edge of snapshot.edges) {
    const node = edge.from === '' && edge.to !== null ? byLocation.get(edge.to) : undefined;
    if (node) out.set(edge.name, node.version);
  }
  return out;
}

function sorted(d: Record<string, { spec: string; type: string }>): Array<[string, string, string]> {
  return Object.entries(d)
    .map(([k, v]) => [k, v.spec, v.type] as [string, string, string])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
