import type { Finding, Location } from '../model.js';
import type { DiffResult } from '../result.js';
import type { Severity } from '../severity.js';
import { forWorkflowData as data, forWorkflowProperty as property } from './sanitize.js';
import { alertLevel } from './level.js';
import { findingVersion, verdictOf } from './wording.js';

export interface GithubOptions {
  readonly failOn: Severity;
}

/**
 * GitHub Actions workflow commands: one annotation per finding on the package's line of the head
 * lockfile (shown on the pull request's diff), a warning for each package that could not be
 * checked, then the verdict as a plain log line. Strangers' text is escaped as the runner
 * decodes it, so it cannot end the line and start a command of its own.
 */
export function formatGithub(result: DiffResult, options: GithubOptions): string {
  const lines = result.findings.map((f) => {
    const title = `depguard ${f.ruleId}: ${f.package.name} ${findingVersion(f)}`;
    return `::${command(f.severity)} ${at(f.location)},title=${property(title)}::${data(message(f))}`;
  });
  for (const u of result.unavailable) {
    lines.push(
      `::warning ${at(u.location)},title=${property(`depguard: ${u.package.name}@${u.package.version} could not be checked`)}::${data(u.reason)}`,
    );
  }
  lines.push(`depguard: ${verdictOf(result, options.failOn).message}`);
  return `${lines.join('\n')}\n`;
}

/** The annotation's place; a path can hold ',' or ':', which would end the property. */
function at(location: Location): string {
  return `file=${property(location.file, Infinity)},line=${location.line}`;
}

function command(severity: Severity): 'error' | 'warning' | 'notice' {
  const level = alertLevel(severity);
  return level === 'note' ? 'notice' : level;
}

function message(f: Finding): string {
  return f.kind === 'package' && f.escalation ? `${f.message} (raised from ${f.escalation.from}: ${f.escalation.reason})` : f.message;
}
