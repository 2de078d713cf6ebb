import { createHash } from 'node:crypto';
import { HOME_URL } from '../home.js';
import type { Finding } from '../model.js';
import type { DiffResult } from '../result.js';
import { maxSeverity, type Severity } from '../severity.js';
import { alertLevel } from './level.js';
import { findingVersion, pathText, plural } from './wording.js';

export interface SarifOptions {
  /** depguard's own version, for `tool.driver.version`. */
  readonly toolVersion: string;
}

/** Packages named in one notification of a check not made. */
const MAX_NAMES = 10;

/** GitHub code scanning's scale (0.1-10): it shows >= 9 critical, >= 7 high, >= 4 medium, else low. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

/**
 * SARIF 2.1.0 as GitHub code scanning takes it: one result per finding, located at the package's
 * entry in the head lockfile, with a fingerprint that leaves out lines and wording so an alert
 * stays the same alert from run to run; the checks not made are the invocation's notifications.
 */
export function formatSarif(result: DiffResult, options: SarifOptions): string {
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'depguard',
            version: options.toolVersion,
            informationUri: HOME_URL,
            rules: ruleDescriptors(result),
          },
        },
        results: result.findings.map((f) => ({
          ruleId: `depguard/${f.ruleId}`,
          level: alertLevel(f.severity),
          message: { text: messageText(f) },
          locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(f.location.file) }, region: { startLine: f.location.line } } }],
          ...(f.kind === 'package' && f.inPackage ? { relatedLocations: [inPackage(f.package.name, f.inPackage)] } : {}),
          partialFingerprints: { 'depguardFindingHash/v1': fingerprint(f) },
        })),
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: checksNotMade(result) }],
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * One descriptor per rule that fired, in the order the result lists the rules. Code scanning reads the security severity
 * from the rule, not the result, so it is the most severe finding's: a publisher-changed finding
 * raised to critical by the event-stream combination must not be listed as medium.
 */
function ruleDescriptors(result: DiffResult): readonly object[] {
  const highest = new Map<string, Severity>();
  for (const f of result.findings) highest.set(f.ruleId, maxSeverity(highest.get(f.ruleId) ?? f.severity, f.severity));
  return result.rules.flatMap((rule) => {
    const severity = highest.get(rule.id);
    if (severity === undefined) return [];
    return [
      {
        id: `depguard/${rule.id}`,
        shortDescription: { text: rule.title },
        helpUri: rule.docs,
        defaultConfiguration: { level: alertLevel(rule.defaultSeverity) },
        properties: { tags: ['security', 'supply-chain'], 'security-severity': SECURITY_SEVERITY[severity] },
      },
    ];
  });
}

/**
 * What was not checked, as code scanning's tool notifications: each rule not run, with why and
 * for which packages; each package whose registry metadata could not be had (at its lockfile
 * line); the code stage when it did not run. A run without alerts is then not taken for a clean
 * one.
 */
function checksNotMade(result: DiffResult): object[] {
  const byCause = new Map<string, { ruleId: string; reason: string; packages: Set<string> }>();
  for (const s of result.skipped) {
    const key = JSON.stringify([s.ruleId, s.reason]);
    const cause = byCause.get(key) ?? { ruleId: s.ruleId, reason: s.reason, packages: new Set<string>() };
    cause.packages.add(s.package.name);
    byCause.set(key, cause);
  }
  const notifications: object[] = [...byCause.values()].map(({ ruleId, reason, packages }) => ({
    level: 'warning',
    message: { text: `${ruleId} was not checked for ${plural(packages.size, 'package')} (${names(packages)}): ${reason}` },
    associatedRule: { id: `depguard/${ruleId}` },
  }));
  for (const u of result.unavailable)
    notifications.push({
      level: 'warning',
      message: { text: `${u.package.name}@${u.package.version} could not be checked: ${u.reason}` },
      locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(u.location.file) }, region: { startLine: u.location.line } } }],
    });
  if (!result.code.checked) notifications.push({ level: 'note', message: { text: `code not checked: ${result.code.reason ?? 'off'}` } });
  return notifications;
}

/** The first few names, and how many more. */
function names(packages: ReadonlySet<string>): string {
  const all = [...packages];
  const shown = all.slice(0, MAX_NAMES).join(', ');
  return all.length > MAX_NAMES ? `${shown} and ${all.length - MAX_NAMES} more` : shown;
}

/** A relative URI reference: each segment of the path percent-encoded. */
function uriOf(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** The evidence inside the package, where npm installs it. */
function inPackage(name: string, at: { file: string; line: number }): object {
  return {
    id: 1,
    message: { text: `in the package's tarball: ${at.file}` },
    physicalLocation: {
      artifactLocation: { uri: uriOf(`node_modules/${name}/${at.file}`) },
      ...(at.line > 0 ? { region: { startLine: at.line } } : {}),
    },
  };
}

/** The finding stands alone: the alert is shown away from the report, next to a lockfile line. */
function messageText(f: Finding): string {
  const parts = [`${f.package.name} ${findingVersion(f)}: ${f.message}`];
  if (f.kind === 'project') return parts.join('\n');
  if (f.escalation) parts.push(`Raised from ${f.escalation.from}: ${f.escalation.reason}.`);
  const path = f.paths[0];
  if (path) parts.push(`Dependency path: ${pathText(path)}.`);
  return parts.join('\n');
}

/** What makes a finding the same finding: never its line or its wording. */
function fingerprint(f: Finding): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        f.ruleId,
        f.package.name,
        f.package.version,
        f.kind === 'package' ? f.previousVersion : null,
        // a code finding is one per file
        ...(f.kind === 'package' && f.inPackage ? [f.inPackage.file] : []),
      ]),
    )
    .digest('hex');
}
