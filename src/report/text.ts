import { Chalk, type ChalkInstance } from 'chalk';
import type { DiffResult } from '../result.js';
import { SEVERITIES, type Severity } from '../severity.js';
import { groupByPackage, groupSkipped, newPackageBlocks, topSeverity } from './group.js';
import { forTerminal as safe } from './sanitize.js';
import { coveredRules, type Finding } from '../model.js';
import {
  changeSummary,
  findingPlace,
  findingVersion,
  newPackagesSentence,
  pathText,
  plural,
  skippedSentence,
  verdictOf,
  versionText,
} from './wording.js';

export interface TextOptions {
  readonly color: boolean;
  readonly failOn: Severity;
  /** List every change, every new package and every package a check was not made for, not only those with findings. */
  readonly verbose?: boolean;
  /** A run that passes is one line: the verdict, the lockfile, what the full report would add (the pre-commit hook's case). */
  readonly brief?: boolean;
}

const MAX_LISTED_CHANGES = 40;
const MAX_PATH_LENGTH = 2_000;
/** Paths shown per package; the report says how many more there are. */
const MAX_PATHS = 3;
/** Members of a block of new packages named on its line (all of them under --verbose, one per line). */
const NAMED_MEMBERS = 3;
/** Packages named on a line of checks not made (all of them under --verbose). */
const NAMED_PACKAGES = 5;

export function formatText(result: DiffResult, options: TextOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  if (options.brief && !options.verbose) {
    const line = briefLine(c, result, options.failOn);
    if (line !== null) return line;
  }
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

  const { blocks, quiet: inBlocks } = newPackageBlocks(result);
  const key = (p: { name: string; version: string | null }): string => `${p.name}@${p.version ?? ''}`;
  const groups = groupByPackage(result.findings).filter((g) => !(g[0]!.kind === 'package' && inBlocks.has(key(g[0]!.package))));
  const findingLine = (f: Finding, indent: string): string =>
    `${indent}${paint(c, f.severity)(f.severity.padEnd(8))} ${f.ruleId.padEnd(ruleWidth)} ${safe(f.message)}`;
  for (const group of groups) {
    const f0 = group[0]!;
    const top = topSeverity(group);
    const version = safe(findingVersion(f0));
    lines.push('', `${sev(top)} ${c.bold(safe(f0.package.name))} ${version}  ${c.dim(`(${findingPlace(f0)})`)}`);
    for (const f of group) {
      lines.push(findingLine(f, '  '));
      if (f.kind === 'package' && f.escalation)
        lines.push(`  ${' '.repeat(8)} ${' '.repeat(ruleWidth)} ${c.dim(`raised from ${f.escalation.from}: ${f.escalation.reason}`)}`);
    }
    if (f0.kind === 'package') {
      const shown = f0.paths.slice(0, MAX_PATHS);
      for (const p of shown) lines.push(`  ${c.dim('path')} ${safe(pathText(p), MAX_PATH_LENGTH)}`);
      const more = Math.max(f0.pathCount, f0.paths.length) - shown.length;
      if (more > 0) lines.push(`  ${c.dim(`… ${plural(more, 'more path')} (depguard why ${safe(f0.package.name)} lists them)`)}`);
    }
  }

  if (blocks.length) {
    lines.push('', c.bold('New packages, by the package that brings them in'));
    const findingsOf = (k: string): Finding[] => result.findings.filter((f) => key(f.package) === k);
    for (const block of blocks) {
      lines.push(`  ${safe(newPackagesSentence(block, options.verbose ? 0 : NAMED_MEMBERS))}`);
      if (!options.verbose) continue;
      const own = block.parentIsNew && !block.parentFlagged ? findingsOf(key(block.parent)) : [];
      for (const f of own) lines.push(findingLine(f, '    '));
      for (const m of block.members) {
        const flagged = block.flagged.includes(m);
        lines.push(`    ${safe(m.name)} ${safe(m.version ?? '')}${flagged ? c.dim('  (shown above)') : ''}`);
        if (!flagged) for (const f of findingsOf(key(m))) lines.push(findingLine(f, '      '));
      }
    }
  }

  const quiet = result.changes.filter(
    (ch) =>
      !inBlocks.has(key(ch)) &&
      !result.findings.some((f) => f.package.name === ch.name && f.package.version === (ch.version ?? ch.previousVersion)),
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
    for (const group of groupSkipped(result.skipped, result.rules)) {
      const advice = group.fields.length ? '; point --registry at one that serves them' : '';
      lines.push(`  ${safe(skippedSentence(group, options.verbose ? 0 : NAMED_PACKAGES))}${advice}`);
      if (group.rules.length > 1) lines.push(`    ${c.dim('rules:')} ${group.rules.join(', ')}`);
      if (options.verbose) lines.push(`    ${c.dim('packages:')} ${group.packages.map((p) => safe(p)).join(', ')}`);
    }
  }

  if (!result.code.checked) lines.push('', `Code not checked: ${safe(result.code.reason ?? 'off')}.`);

  lines.push('', verdict(c, result, options.failOn));
  return `${lines.join('\n')}\n`;
}

function verdict(c: ChalkInstance, result: DiffResult, failOn: Severity): string {
  const { status, message } = verdictOf(result, failOn);
  const colour = status === 'fail' ? c.red : status === 'pass' ? c.green : c.yellow;
  return c.bold(colour(`depguard: ${message}`));
}

/**
 * A pass in one line, with the lockfile and what the full report holds: "depguard: PASS: no
 * findings at or above high (package-lock.json: 54 changes; below high: 3 low, 41 info;
 * --verbose shows the report)". Null when the run did not pass: then the whole report is shown.
 */
function briefLine(c: ChalkInstance, result: DiffResult, failOn: Severity): string | null {
  const { status } = verdictOf(result, failOn);
  if (status !== 'pass' && status !== 'partial') return null;
  const counts = [...SEVERITIES]
    .reverse()
    .filter((s) => result.summary.findings[s] > 0)
    .map((s) => `${result.summary.findings[s]} ${s}`);
  const total = result.changes.length;
  const what =
    total === 0
      ? 'no package changes'
      : `${plural(total, result.command === 'audit' ? 'package' : 'change')}${counts.length ? `; below ${failOn}: ${counts.join(', ')}` : ''}; --verbose shows the report`;
  return `${verdict(c, result, failOn)} ${c.dim(`(${safe(result.head)}: ${what})`)}\n`;
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
