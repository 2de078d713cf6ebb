import { coveredRules, type Finding } from '../model.js';
import type { DiffResult } from '../result.js';
import type { Severity } from '../severity.js';
import { groupByPackage, groupSkipped, topSeverity } from './group.js';
import { forHtml, forMarkdown as md } from './sanitize.js';
import { changeSummary, findingPlace, findingVersion, pathText, plural, verdictOf } from './wording.js';

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
const ICON = { fail: '❌', incomplete: '⚠️', pass: '✅' } as const;
const TABLE_HEAD = '| package | change | highest severity | rules |\n| --- | --- | --- | --- |\n';

/**
 * A pull-request comment (or step summary): the verdict, one table row per package with findings,
 * the details of each in a collapsed block, then what could not be checked. Everything from a
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
  const tail =
    policyNote +
    section('Accepted by policy (not counted)', acceptedByPolicy(result)) +
    section('Expired policy entries (no longer applied)', expiredEntries(result)) +
    section('Checks not made', [
      ...checksNotMade(result),
      ...(result.code.checked ? [] : [`- code not checked: ${md(result.code.reason ?? 'off')}`]),
    ]) +
    section('Could not be checked (registry metadata unavailable)', couldNotBeChecked(result));

  const groups = groupByPackage(result.findings);
  if (groups.length === 0) return `${head}\nNo findings.\n${tail}`;
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
  }
  lines.push('', '</details>', '');
  return `${lines.join('\n')}\n`;
}

function checksNotMade(result: DiffResult): string[] {
  return [...groupSkipped(result.skipped)].map(([reason, packages]) => {
    const names = [...packages].slice(0, 5).map((p) => md(p, 100));
    return `- ${md(reason)} (${plural(packages.size, 'package')}: ${names.join(', ')}${packages.size > 5 ? ', …' : ''})`;
  });
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
