import type { Finding } from '../model.js';
import type { DiffResult } from '../result.js';

/**
 * The versioned JSON schema (schemaVersion, documented in the README's "JSON output"): the result
 * as data, nothing reworded, in a fixed field order; what `audit()` returns for the same run, field
 * for field (a test holds them equal). Every finding has the same fields: a project
 * finding, which concerns no changed package, says `change: "project"`, `previousVersion: null`,
 * `direct: true`, `dev: false` and no traits or paths, as schema version 1 always has.
 */
export function formatJson(result: DiffResult): string {
  const document = {
    schemaVersion: result.schemaVersion,
    command: result.command,
    base: result.base,
    head: result.head,
    summary: result.summary,
    changes: result.changes,
    findings: result.findings.map(findingJson),
    suppressed: result.suppressed.map(({ finding, ignore }) => ({ finding: findingJson(finding), ignore })),
    expiredIgnores: result.expiredIgnores,
    skipped: result.skipped,
    unavailable: result.unavailable,
    policy: result.policy,
    code: result.code,
    rules: result.rules,
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function findingJson(f: Finding): object {
  const p = f.kind === 'package' ? f : null;
  return {
    kind: f.kind,
    ruleId: f.ruleId,
    severity: f.severity,
    package: f.package,
    previousVersion: p ? p.previousVersion : null,
    change: p ? p.change : 'project',
    direct: p ? p.direct : true,
    dev: p ? p.dev : false,
    message: f.message,
    evidence: f.evidence,
    traits: p ? p.traits : [],
    ...(p?.inPackage ? { inPackage: p.inPackage } : {}),
    ...(p?.escalation ? { escalation: p.escalation } : {}),
    paths: p ? p.paths : [],
    pathCount: p ? p.pathCount : 0,
    location: f.location,
  };
}
