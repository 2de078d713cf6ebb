import { createHash } from 'node:crypto';
import type { Finding } from '../engine.js';
import type { DiffResult } from '../result.js';
import { ALL_RULES } from '../rules/index.js';
import { maxSeverity, type Severity } from '../severity.js';
import { pathText, versionText } from './wording.js';

export interface SarifOptions {
  /** depguard's own version, for `tool.driver.version`. */
  readonly toolVersion: string;
}

const INFORMATION_URI = 'https://github.com/depguard/depguard';
const RULE_DOCS = `${INFORMATION_URI}/blob/main/docs/rules`;

/** GitHub code scanning's scale (0.1-10): it shows >= 9 critical, >= 7 high, >= 4 medium, else low. */
const SECURITY_SEVERITY: Readonly<Record<Severity, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

/**
 * SARIF 2.1.0 as GitHub code scanning takes it: one result per finding, located at the package's
 * entry in the head lockfile, with a fingerprint that leaves out lines and wording so an alert
 * stays the same alert from run to run.
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
            informationUri: INFORMATION_URI,
            rules: ruleDescriptors(result.findings),
          },
        },
        results: result.findings.map((f) => ({
          ruleId: `depguard/${f.ruleId}`,
          level: level(f.severity),
          message: { text: messageText(f) },
          locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(f.location.file) }, region: { startLine: f.location.line } } }],
          partialFingerprints: { 'depguardFindingHash/v1': fingerprint(f) },
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

/**
 * One descriptor per rule that fired, in ALL_RULES order. Code scanning reads the security severity
 * from the rule, not the result, so it is the most severe finding's: a publisher-changed finding
 * raised to critical by the event-stream combination must not be listed as medium.
 */
function ruleDescriptors(findings: readonly Finding[]): readonly object[] {
  const highest = new Map<string, Severity>();
  for (const f of findings) highest.set(f.ruleId, maxSeverity(highest.get(f.ruleId) ?? f.severity, f.severity));
  return ALL_RULES.flatMap((rule) => {
    const severity = highest.get(rule.id);
    if (severity === undefined) return [];
    return [
      {
        id: `depguard/${rule.id}`,
        shortDescription: { text: rule.title },
        helpUri: `${RULE_DOCS}/${rule.id}.md`,
        defaultConfiguration: { level: level(rule.defaultSeverity) },
        properties: { tags: ['security', 'supply-chain'], 'security-severity': SECURITY_SEVERITY[severity] },
      },
    ];
  });
}

/** A relative URI reference: each segment of the path percent-encoded. */
function uriOf(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function level(severity: Severity): 'error' | 'warning' | 'note' {
  if (severity === 'critical' || severity === 'high') return 'error';
  return severity === 'medium' ? 'warning' : 'note';
}

/** The finding stands alone: the alert is shown away from the report, next to a lockfile line. */
function messageText(f: Finding): string {
  const parts = [`${f.package.name} ${versionText(f.change, f.previousVersion, f.package.version)}: ${f.message}`];
  if (f.escalation) parts.push(`Raised from ${f.escalation.from}: ${f.escalation.reason}.`);
  const path = f.paths[0];
  if (path) parts.push(`Dependency path: ${pathText(path)}.`);
  return parts.join('\n');
}

/** What makes a finding the same finding: never its line or its wording. */
function fingerprint(f: Finding): string {
  return createHash('sha256')
    .update(JSON.stringify([f.ruleId, f.package.name, f.package.version, f.previousVersion]))
    .digest('hex');
}
