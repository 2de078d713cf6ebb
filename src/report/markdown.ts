import { coveredRules, type Finding } from '../model.js';
import type { DiffResult } from '../result.js';
import type { Severity } from '../severity.js';
import { groupByPackage, groupSkipped, newPackageBlocks, topSeverity, type NewPackages } from './group.js';
import { forHtml, forMarkdown as md } from './sanitize.js';
import {
  changeSummary,
  findingPlace,
  findingVersion,
  newPackagesSentence,
  pathText,
  plural,
  skippedSentence,
  verdictOf,
} from './wording.js';

export interface MarkdownOptions {
  readonly failOn: Severity;
  /** The longest report, in characters. */
  readonly maxLength?: number;
}

/** GitHub refuses comments over 65,536 characters; this leaves room for a bot's own framing. */
const MAX_LENGTH = 60_000;
/** Neither list at the end may crowd out the findings. */
const MAX_SECTION_LENGTH = 8_000;
const MAX_PATHS = 3;
const ICON = { fail: '❌', incomplete: '⚠️', partial: '⚠️', pass: '✅' } as const;
/** Packages named on a line of checks not made. */
const NAMED_PACKAGES = 5;
/** New packages named on a block's line (all of them are in its collapsed list). */
const NAMED_MEMBERS = 3;
const TABLE_HEAD = '| package | change | highest severity | rules |\n| --- | --- | --- | --- |\n';

/**
 * A pull-request comment (or step summary): the verdict, one table row per package with findings,
 * the details of each in a collapsed block, the new packages with nothing above info as one line
 * per package that brings them in, then what could not be checked (by cause). Everything from a
 * lockfile or a registry is escaped. Packages that do not fit under the length limit are left
 * out, most severe kept, with a note saying how many.
 */
export function formatMarkdown(result: DiffResult, options: MarkdownOptions): string {
  const verdict = verdictOf(result, options.failOn);
  const scope = result.command === 'audit' ? `audit of ${md(result.head, 200)}` : `${md(result.base, 200)} → ${md(result.head, 200)}`;
  const head = `## ${ICON[verdict.status]} depguard: ${verdict.message}\n\n${scope}: ${changeSummary(result)}\n`;
  const policyNote = result.policy.changedByThisChange
    ? `\n> [!WARNING]\n> This change edits depguard's policy: it was judged by the base revision's policy (${md(result.policy.source ?? 'none', 200)}); the edit takes effect once merged.\n`
    : '';
  const { blocks: newPackages, quiet } = newPackageBlocks(result);
  const tail =
    section('New packages, by the package that brings them in', newPackages.map(newPackagesItem)) +
    policyNote +
    section('Accepted by policy (not counted)', acceptedByPolicy(result)) +
    section('Expired policy entries (no longer applied)', expiredEntries(result)) +
    section('Checks not made', [
      ...checksNotMade(result),
      ...(result.code.checked ? [] : [`- code not checked: ${md(result.code.reason ?? 'off')}`]),
    ]) +
    section('Could not be checked (registry metadata unavailable)', couldNotBeChecked(result));

  const groups = groupByPackage(result.findings).filter(
    (g) => !(g[0]!.kind === 'package' && quiet.has(`${g[0]!.package.name}@${g[0]!.package.version}`)),
  );
  if (groups.length === 0) return `${head}\n${result.findings.length ? 'No findings above info.' : 'No findings.'}\n${tail}`;
  let room = (options.maxLength ?? MAX_LENGTH) - head.length - tail.length - TABLE_HEAD.length - cutNote(groups.length).length - 2;
  const rows: string[] = [];
  const blocks: string[] = [];
  for (const group of groups) {
    const row = tableRow(group);
    const block = details(group);
    if (row.length + block.length > room) break;
    room -= row.length + block.length;
    rows.push(row);
    blocks.push(block);
  }
  const left = groups.length - rows.length;
  return `${head}\n${TABLE_HEAD}${rows.join('')}${left ? `\n${cutNote(left)}` : ''}\n${blocks.join('')}${tail}`;
}

function cutNote(left: number): string {
  return `_… ${plural(left, 'more package')} not shown; run depguard locally or see the JSON/SARIF output._\n`;
}

function tableRow(group: readonly Finding[]): string {
  const f = group[0]!;
  const rules = [...new Set(group.map((g) => g.ruleId))].join(', ');
  return `| ${md(f.package.name, 200)} | ${md(findingVersion(f), 200)} (${findingPlace(f)}) | **${topSeverity(group)}** | ${rules} |\n`;
}

function details(group: readonly Finding[]): string {
  const f = group[0]!;
  const title = `${f.package.name} ${findingVersion(f)}`;
  const lines = [`<details><summary><strong>${topSeverity(group)}</strong> ${forHtml(title)}</summary>`, ''];
  for (const g of group) {
    lines.push(`- **${g.severity}** ${g.ruleId}: ${md(g.message)}`);
    if (g.kind === 'package' && g.escalation) lines.push(`  - raised from ${g.escalation.from}: ${md(g.escalation.reason)}`);
  }
  const paths = f.kind === 'package' ? f.paths : [];
  if (paths.length) {
    lines.push('', 'Dependency path:', '');
    for (const p of paths.slice(0, MAX_PATHS)) lines.push(`- ${md(pathText(p), 1_000)}`);
    const more = f.kind === 'package' ? Math.max(f.pathCount, paths.length) - Math.min(paths.length, MAX_PATHS) : 0;
    if (more > 0) lines.push(`- … ${plural(more, 'more path')}`);
  }
  lines.push('', '</details>', '');
  return `${lines.join('\n')}\n`;
}

function checksNotMade(result: DiffResult): string[] {
  return groupSkipped(result.skipped, result.rules).map((group) => {
    const advice = group.fields.length ? '; point `--registry` at one that serves them' : '';
    const rules = group.rules.length > 1 ? ` (${group.rules.join(', ')})` : '';
    return `- ${md(skippedSentence(group, NAMED_PACKAGES))}${advice}${rules}`;
  });
}

/** A block of new packages: its line, and every package of it in a collapsed list. */
function newPackagesItem(block: NewPackages): string {
  const line = newPackagesSentence(block, NAMED_MEMBERS);
  if (block.members.length <= NAMED_MEMBERS) return `- ${md(line)}`;
  const names = block.members.map((m) => md(`${m.name} ${m.version ?? ''}`, 200));
  return `- <details><summary>${forHtml(line)}</summary>\n\n  ${names.join(', ')}\n\n  </details>`;
}

function acceptedByPolicy(result: DiffResult): string[] {
  return result.suppressed.map(
    ({ finding: f, ignore }) =>
      `- ${f.severity} ${f.ruleId} ${md(`${f.package.name}@${f.package.version}`)}: ${md(ignore.reason)}${ignore.approvedBy ? ` (${md(ignore.approvedBy, 200)})` : ''}`,
  );
}

function expiredEntries(result: DiffResult): string[] {
  return result.expiredIgnores.map(
    (e) => `- ${md(`${e.package}@${e.version}`)} ${md(coveredRules(e).join(', '))}: expired ${md(e.expires ?? '')} (${md(e.reason)})`,
  );
}

function couldNotBeChecked(result: DiffResult): string[] {
  return result.unavailable.map((u) => `- ${md(`${u.package.name}@${u.package.version}`)}: ${md(u.reason)}`);
}

/** A list under a heading, as many items as fit in MAX_SECTION_LENGTH; empty when there are none. */
function section(title: string, items: readonly string[]): string {
  if (items.length === 0) return '';
  let out = `\n### ${title}\n\n`;
  let shown = 0;
  for (const item of items) {
    if (out.length + item.length + 1 > MAX_SECTION_LENGTH) break;
    out += `${item}\n`;
    shown++;
  }
  return shown < items.length ? `${out}- … and ${items.length - shown} more\n` : out;
}
