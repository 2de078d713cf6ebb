import type { Finding, Location, PackageFinding, Skipped, Unavailable } from '../../src/model.js';
import type { RuleCoverage } from '../../src/engine.js';
import { buildResult, type DiffResult } from '../../src/result.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { added, upgrade } from './rules.js';

/** A finding as the engine would report it for a package new to the tree; override any field. */
export function finding(name: string, version: string, overrides: Partial<Omit<PackageFinding, 'kind'>> = {}): PackageFinding {
  return {
    kind: 'package',
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
    paths: [
      [
        { name: 'app', version: '1.0.0' },
        { name: 'parent', version: '1.0.0' },
        { name, version },
      ],
    ],
    pathCount: 1,
    location: { file: 'package-lock.json', line: 1 },
    ...overrides,
  };
}

/** A package whose metadata could not be fetched. */
export function unavailable(
  name: string,
  version: string,
  reason: string,
  location: Location = { file: 'package-lock.json', line: 1 },
): Unavailable {
  return { package: { name, version }, reason, location };
}

/** A DiffResult whose changes are the packages the package findings name, as their first finding says (kind, versions, direct, paths). */
export function resultWith(
  findings: readonly Finding[],
  rest: { skipped?: Skipped[]; unavailable?: Unavailable[]; coverage?: RuleCoverage } = {},
): DiffResult {
  const packages = new Map<string, PackageFinding>();
  for (const f of findings)
    if (f.kind === 'package' && !packages.has(`${f.package.name}@${f.package.version}`))
      packages.set(`${f.package.name}@${f.package.version}`, f);
  const changes = [...packages.values()].map((f) => {
    const { name, version } = f.package;
    const base = f.change === 'added' ? added(name, version) : upgrade(name, f.previousVersion ?? version, version);
    return { ...base, kind: f.change, newName: f.change === 'added', direct: f.direct, dev: f.dev, paths: f.paths, pathCount: f.pathCount };
  });
  const evaluation = {
    findings: [...findings],
    suppressed: [],
    expiredIgnores: [],
    skipped: rest.skipped ?? [],
    unavailable: rest.unavailable ?? [],
    rules: [...ALL_RULES],
    coverage: rest.coverage ?? { applied: 0, notRun: [] },
  };
  return buildResult(
    'diff',
    'HEAD:package-lock.json',
    'package-lock.json',
    changes,
    evaluation,
    {
      source: null,
      minReleaseAge: '3d',
      minReleaseAgeSource: 'depguard default',
      changedByThisChange: false,
    },
    { checked: true },
  );
}
