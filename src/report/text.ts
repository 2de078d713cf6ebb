import { Chalk, type ChalkInstance } from 'chalk';
import type { DiffResult } from '../result.js';
import type { Severity } from '../severity.js';
import { groupByPackage, groupSkipped, topSeverity } from './group.js';
import { forTerminal as safe } from './sanitize.js';
import { coveredRules } from '../model.js';
import { changeSummary, findingPlace, findingVersion, pathText, verdictOf, versionText } from './wording.js';

export interface TextOptions {
  readonly color: boolean;
  readonly failOn: Severity;
  /** List every change, not only those with findings. */
  readonly verbose?: boolean;
}

const MAX_LISTED_CHANGES = 40;
const MAX_PATH_LENGTH = 2_000;

export function formatText(result: DiffResult, options: TextOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const lines: string[] = [];
  const sev = (s: Severity): string => paint(c, s)(s.toUpperCase().padEnd(8));
  // wide enough for every rule id, so messages line up
  const ruleWidth = Math.max(0, ...result.rules.map((r) => r.id.length));
  lines.push(
    c.bold(
      result.command === 'audit' ? `depguard audit ${safe(result.head)}` : `depguard diff ${safe(result.base)} -> ${safe(result.head)}`,
    ),
  );
  lines.push(changeSummary(result));

  const groups = groupByPackage(result.findings);
  for (const group of groups) {
    const f0 = group[0]!;
    const top = topSeverity(group);
    const version = safe(findingVersion(f0));
    lines.push('', `${sev(top)} ${c.bold(safe(f0.package.name))} ${version}  ${c.dim(`(${findingPlace(f0)})`)}`);
    for (const f of group) {
      lines.push(`  ${paint(c, f.severity)(f.severity.padEnd(8))} ${f.ruleId.padEnd(ruleWidth)} ${safe(f.message)}`);
      if (f.kind === 'package' && f.escalation)
        lines.push(`  ${' '.repeat(8)} ${' '.repeat(ruleWidth)} ${c.dim(`raised from ${f.escalation.from}: ${f.escalation.reason}`)}`);
    }
    for (const p of f0.kind === 'package' ? f0.paths.slice(0, 3) : [])
      lines.push(`  ${c.dim('path')} ${safe(pathText(p), MAX_PATH_LENGTH)}`);
  }

  const quiet = result.changes.filter(
    (ch) => !result.findings.some((f) => f.package.name === ch.name && f.package.version === (ch.version ?? ch.previousVersion)),
  );
  if (quiet.length && (options.verbose || (quiet.length <= MAX_LISTED_CHANGES && result.command === 'diff'))) {
    lines.push('', c.bold('Changes without findings'));
    for (const ch of quiet) {
      const v = safe(versionText(ch.kind, ch.previousVersion, ch.version));
      lines.push(`  ${ch.kind.padEnd(14)} ${safe(ch.name)} ${v}`);
    }
  } else if (quiet.length) {
    lines.push('', `${quiet.length} ${result.command === 'audit' ? 'packages' : 'changes'} without findings (--verbose lists them).`);
  }

  if (result.policy.changedByThisChange) {
    lines.push(
      '',
      c.bold(
        c.yellow(
          `Note: this change edits depguard's policy: it was judged by the base revision's policy (${safe(result.policy.source ?? 'none')}); the edit takes effect once merged.`,
        ),
      ),
    );
  }
  if (result.suppressed.length) {
    lines.push(
      '',
      c.bold(`Accepted by policy (${result.suppressed.length} finding${result.suppressed.length === 1 ? '' : 's'}, not counted)`),
    );
    for (const { finding: f, ignore } of result.suppressed.slice(0, 20)) {
      lines.push(
        `  ${f.severity.padEnd(8)} ${f.ruleId.padEnd(ruleWidth)} ${safe(f.package.name)}@${safe(f.package.version)}: ${safe(ignore.reason)}${ignore.approvedBy ? ` (${safe(ignore.approvedBy)}${ignore.approvedAt ? `, ${safe(ignore.approvedAt)}` : ''})` : ''}`,
      );
    }
    if (result.suppressed.length > 20) lines.push(`  … ${result.suppressed.length - 20} more`);
  }
  if (result.expiredIgnores.length) {
    lines.push('', c.bold(c.yellow('Expired policy entries (no longer applied)')));
    for (const e of result.expiredIgnores)
      lines.push(
        `  ${safe(e.package)}@${safe(e.version)} ${coveredRules(e).join(', ')}: expired ${safe(e.expires ?? '')} (${safe(e.reason)})`,
      );
  }
  if (result.unavailable.length) {
    lines.push('', c.bold(c.yellow('Could not be checked (registry metadata unavailable)')));
    for (const u of result.unavailable) lines.push(`  ${safe(u.package.name)}@${safe(u.package.version)}: ${safe(u.reason)}`);
  }
  if (result.skipped.length) {
    lines.push('', c.bold('Checks not made'));
    for (const [reason, pkgs] of groupSkipped(result.skipped)) {
      const list = [...pkgs]
        .slice(0, 5)
        .map((p) => safe(p))
        .join(', ');
      lines.push(`  ${safe(reason)} (${pkgs.size} package${pkgs.size === 1 ? '' : 's'}: ${list}${pkgs.size > 5 ? ', …' : ''})`);
    }
  }

  if (!result.code.checked) lines.push('', `Code not checked: ${safe(result.code.reason ?? 'off')}.`);

  lines.push('', verdict(c, result, options.failOn));
  return `${lines.join('\n')}\n`;
}

function verdict(c: ChalkInstance, result: DiffResult, failOn: Severity): string {
  const { status, message } = verdictOf(result, failOn);
  const colour = status === 'fail' ? c.red : status === 'incomplete' ? c.yellow : c.green;
  return c.bold(colour(`depguard: ${message}`));
}

function paint(c: ChalkInstance, s: Severity): ChalkInstance {
  switch (s) {
    case 'critical':
      return c.bgRed.white.bold;
    case 'high':
      return c.red.bold;
    case 'medium':
      return c.yellow;
    case 'low':
      return c.cyan;
    case 'info':
      return c.gray;
  }
}
