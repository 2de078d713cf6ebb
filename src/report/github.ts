import type { Finding } from '../engine.js';
import { entryLineFinder } from '../lockfile/entry-lines.js';
import type { DiffResult, HeadLockfile } from '../result.js';
import type { Severity } from '../severity.js';
import { forWorkflowData as data, forWorkflowProperty as property } from './sanitize.js';
import { verdictOf, versionText } from './wording.js';

export interface GithubOptions extends HeadLockfile {
  readonly failOn: Severity;
}

/**
 * GitHub Actions workflow commands: one annotation per finding on the package's line of the head
 * lockfile (shown on the pull request's diff), a warning for each package that could not be
 * checked, then the verdict as a plain log line. Strangers' text is escaped as the runner
 * decodes it, so it cannot end the line and start a command of its own.
 */
export function formatGithub(result: DiffResult, options: GithubOptions): string {
  const lineOf = entryLineFinder(options.lockfileText);
  const file = property(options.lockfilePath, Infinity);
  const lines = result.findings.map((f) => {
    const where = `file=${file},line=${lineOf(f.package.name, f.package.version)}`;
    const title = `depguard ${f.ruleId}: ${f.package.name} ${versionText(f.change, f.previousVersion, f.package.version)}`;
    return `::${command(f.severity)} ${where},title=${property(title)}::${data(message(f))}`;
  });
  for (const u of result.unavailable) {
    const where = `file=${file},line=${lineOf(u.package.name, u.package.version)}`;
    lines.push(`::warning ${where},title=${property(`depguard: ${u.package.name}@${u.package.version} could not be checked`)}::${data(u.reason)}`);
  }
  lines.push(`depguard: ${verdictOf(result, options.failOn).message}`);
  return `${lines.join('\n')}\n`;
}

function command(severity: Severity): 'error' | 'warning' | 'notice' {
  if (severity === 'critical' || severity === 'high') return 'error';
  return severity === 'medium' ? 'warning' : 'notice';
}

function message(f: Finding): string {
  return f.escalation ? `${f.message} (raised from ${f.escalation.from}: ${f.escalation.reason})` : f.message;
}
