import type { Finding, Skipped, Unavailable } from '../../src/engine.js';
import { buildResult, type DiffResult } from '../../src/result.js';
import { added } from './rules.js';

/** A finding as the engine would report it for a package new to the tree; override any field. */
export function finding(name: string, version: string, overrides: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'new-package',
    severity: 'info',
    package: { name, version },
    previousVersion: null,
    change: 'added',
    direct: false,
    dev: false,
    message: `new in the tree: ${name}`,
    evidence: {},
    traits: [],
    paths: [[{ name: 'app', version: '1.0.0' }, { name: 'parent', version: '1.0.0' }, { name, version }]],
    ...overrides,
  };
}

/** A DiffResult whose changes are the packages the findings name, all added. */
export function resultWith(findings: readonly Finding[], rest: { skipped?: Skipped[]; unavailable?: Unavailable[] } = {}): DiffResult {
  const packages = new Map(findings.map((f) => [`${f.package.name}@${f.package.version}`, f.package]));
  const changes = [...packages.values()].map((p) => added(p.name, p.version));
  return buildResult('diff', 'HEAD:package-lock.json', 'package-lock.json', changes, { findings: [...findings], suppressed: [], expiredIgnores: [], skipped: rest.skipped ?? [], unavailable: rest.unavailable ?? [] }, { source: null, minReleaseAge: '3d', minReleaseAgeSource: 'depguard default', changedByThisChange: false });
}

/** A lockfile v3 text that installs each package at node_modules/<name>. */
export function lockfileWith(packages: ReadonlyArray<readonly [name: string, version: string]>): string {
  const entries = Object.fromEntries(packages.map(([name, version]) => [`node_modules/${name}`, { version }]));
  return `${JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages: { '': { name: 'app' }, ...entries } }, null, 2)}\n`;
}
