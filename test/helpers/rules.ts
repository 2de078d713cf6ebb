import type { PackageSpec, VersionSpec } from '../../scripts/fixture-registry.mjs';
import type { Change } from '../../src/model.js';
import type { RuleSettings } from '../../src/rules/rule.js';

export const NOW = Date.parse('2026-11-21T00:00:00Z');
export const person = (name: string) => ({ name, email: `${name}@users.example` });

/** `count` releases by `by`, `days` apart, starting at `start`: 1.0.0, 1.0.1, ... */
export function releases(count: number, start: string, days: number, by: string, extra: Partial<VersionSpec> = {}): VersionSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    version: `1.0.${i}`,
    time: new Date(Date.parse(start) + i * days * 86_400_000).toISOString(),
    publisher: person(by),
    maintainers: [person(by)],
    ...extra,
  }));
}

export function upgrade(name: string, from: string, to: string, extra: Partial<Change> = {}): Change {
  const locked = (version: string) => ({
    version,
    resolved: null,
    integrity: null,
    hasInstallScript: false,
    format: 'npm' as const,
    dependencies: {},
    locations: [`node_modules/${name}`],
    otherCopies: [],
    lines: [null],
  });
  return {
    kind: 'upgraded',
    name,
    aliases: [],
    before: locked(from),
    after: locked(to),
    newName: false,
    direct: true,
    dev: false,
    optional: false,
    paths: [
      [
        { name: 'app', version: '1.0.0' },
        { name, version: to },
      ],
    ],
    pathCount: 1,
    ...extra,
  };
}

export function added(name: string, version: string): Change {
  return {
    ...upgrade(name, version, version),
    kind: 'added',
    before: null,
    newName: true,
    direct: false,
    paths: [
      [
        { name: 'app', version: '1.0.0' },
        { name: 'parent', version: '1.0.0' },
        { name, version },
      ],
    ],
  };
}

/** The settings rule cases run with: a 3-day cooldown and the public registry. */
export const SETTINGS: RuleSettings = {
  minReleaseAgeMs: 3 * 86_400_000,
  minReleaseAgeSource: 'test',
  registries: ['https://registry.npmjs.org/'],
  scriptPolicies: null,
};

/** The document with `_npmUser`, per-version `maintainers` and trustworthy `time` stripped, as the mirror here does. */
export function stripped(spec: PackageSpec): PackageSpec {
  return { ...spec, maintainers: null, omitTime: true, versions: spec.versions.map((v) => ({ ...v, publisher: null, maintainers: null })) };
}
