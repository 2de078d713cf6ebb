import { forMarkdown as md, forTerminal as safe } from '../report/sanitize.js';
import { pathText, plural } from '../report/wording.js';
import type { CommitRef, ExposureResult, ExposureWindow, Unreadable } from './exposure.js';

/**
 * `depguard exposure`'s reports. Everything from the repository or its lockfiles (the package
 * name, versions, lockfile paths, branch names, commit subjects, dependency paths) is a
 * stranger's string, escaped for the medium; commit ids and dates are git's own.
 */

type ExposureFormat = 'text' | 'json' | 'markdown';

export function formatExposure(format: ExposureFormat, result: ExposureResult): string {
  switch (format) {
    case 'text':
      return exposureText(result);
    case 'json':
      return `${JSON.stringify({ schemaVersion: 1, command: 'exposure', ...result }, null, 2)}\n`;
    case 'markdown':
      return exposureMarkdown(result);
  }
}

/** The digits of a commit id a reader is shown (enough to be unambiguous in any real repository). */
const short = (commit: string): string => commit.slice(0, 12);

/** `2018-09-16 08:30 UTC`. */
const when = (ref: CommitRef): string => `${ref.date.slice(0, 10)} ${ref.date.slice(11, 16)} UTC`;

/** What was asked: `event-stream (any version)`, `event-stream@^3.3.5`. */
function asked(result: ExposureResult): string {
  return result.range === null ? `${result.package} (any version)` : `${result.package}@${result.range}`;
}

/** `main`, `3 branches`. */
function scope(result: ExposureResult): string {
  if (result.branches.length === 0) return 'no branch (no commits yet)';
  const n = result.branches.length;
  const branches = result.all ? `${n} branch${n === 1 ? '' : 'es'}` : result.branches[0]!;
  const period = [result.since ? `since ${result.since.slice(0, 10)}` : '', result.until ? `until ${result.until.slice(0, 10)}` : '']
    .filter(Boolean)
    .join(' ');
  return period ? `${branches}, ${period}` : branches;
}

function walkedText(result: ExposureResult): string {
  const { commits, lockfiles, revisions, parsed } = result.walked;
  return `${plural(commits, 'commit')}, ${plural(lockfiles.length, 'lockfile')}, ${plural(revisions, 'lockfile revision')} (${parsed} mentioning the package)`;
}

/** One line: the verdict, as the exit code has it. */
function verdict(result: ExposureResult, inert: (s: string) => string): string {
  const what = inert(asked(result));
  const where = inert(scope(result));
  if (result.windows.length > 0) {
    const still = result.windows.filter((w) => w.left === null);
    const now =
      still.length > 0
        ? `; still locked: ${still.map((w) => `${inert(w.package.version)} in ${inert(w.lockfile)}`).join(', ')}`
        : '; no longer locked';
    return `EXPOSED: ${what} was locked in ${plural(result.windows.length, 'window')} (${where})${now}`;
  }
  if (result.unreadable.length > 0)
    return `INCOMPLETE: ${what} is in no lockfile revision read (${where}), but ${plural(result.unreadable.length, 'revision')} that ${result.unreadable.length === 1 ? 'mentions' : 'mention'} it could not be read`;
  return `never locked: ${what} is in no lockfile revision (${where})`;
}

/** Unreadable revisions, one entry per lockfile and reason: how many, and the first. */
function groupUnreadable(list: readonly Unreadable[]): { lockfile: string; reason: string; count: number; first: string }[] {
  const groups = new Map<string, { lockfile: string; reason: string; count: number; first: string }>();
  for (const u of list) {
    const key = `${u.lockfile}\0${u.reason}`;
    const group = groups.get(key) ?? { lockfile: u.lockfile, reason: u.reason, count: 0, first: u.commit };
    group.count++;
    groups.set(key, group);
  }
  return [...groups.values()];
}

const SHALLOW_NOTE =
  'this is a shallow clone: history before its oldest commit is missing, so a window that seems to start there may have started earlier (git fetch --unshallow)';

function exposureText(result: ExposureResult): string {
  const lines = [`depguard exposure ${safe(asked(result))} on ${safe(scope(result))}: ${walkedText(result)}`];
  if (result.shallow) lines.push(`note: ${SHALLOW_NOTE}`);
  for (const w of result.windows) lines.push('', ...windowText(w, result.all));
  const groups = groupUnreadable(result.unreadable);
  if (groups.length > 0) {
    lines.push('', 'Lockfile revisions not read');
    for (const g of groups)
      lines.push(`  ${safe(g.lockfile)}: ${safe(g.reason)} (${plural(g.count, 'revision')}, the first at ${short(g.first)})`);
  }
  lines.push('', `depguard: ${verdict(result, safe)}`);
  return `${lines.join('\n')}\n`;
}

function windowText(w: ExposureWindow, all: boolean): string[] {
  const commit = (ref: CommitRef): string => `${short(ref.commit)}  ${when(ref)}  ${safe(ref.subject, 120)}`;
  const lines = [
    `${safe(w.package.name)} ${safe(w.package.version)}  ${safe(w.lockfile)}`,
    `  entered  ${commit(w.entered)}`,
    `  left     ${w.left === null ? 'still locked' : commit(w.left)}`,
  ];
  const [first] = w.paths;
  if (first) lines.push(`  path     ${safe(pathText(first))}${w.pathCount > 1 ? `  (and ${w.pathCount - 1} more)` : ''}`);
  else if (w.pathsError !== undefined) lines.push(`  path     not known: ${safe(w.pathsError)}`);
  if (all) lines.push(`  on       ${w.branches.map((b) => safe(b)).join(', ')}`);
  return lines;
}

function exposureMarkdown(result: ExposureResult): string {
  const out = [
    `### depguard exposure: ${md(asked(result))}`,
    '',
    `**${verdict(result, md)}**`,
    '',
    `Walked ${md(scope(result))}: ${walkedText(result)}.`,
  ];
  if (result.shallow) out.push('', `Note: ${md(SHALLOW_NOTE)}.`);
  if (result.windows.length > 0) {
    const commit = (ref: CommitRef): string => `${short(ref.commit)} ${when(ref)}: ${md(ref.subject, 120)}`;
    out.push('', `| version | lockfile | entered | left | brought in by |${result.all ? ' branches |' : ''}`);
    out.push(`| --- | --- | --- | --- | --- |${result.all ? ' --- |' : ''}`);
    for (const w of result.windows) {
      const [first] = w.paths;
      const path = first ? md(pathText(first)) + (w.pathCount > 1 ? ` (and ${w.pathCount - 1} more)` : '') : md(w.pathsError ?? '');
      const cells = [md(w.package.version), md(w.lockfile), commit(w.entered), w.left === null ? 'still locked' : commit(w.left), path];
      if (result.all) cells.push(w.branches.map((b) => md(b)).join(', '));
      out.push(`| ${cells.join(' | ')} |`);
    }
  }
  const groups = groupUnreadable(result.unreadable);
  if (groups.length > 0) {
    out.push('', 'Lockfile revisions not read:', '');
    for (const g of groups)
      out.push(`- ${md(g.lockfile)}: ${md(g.reason)} (${plural(g.count, 'revision')}, the first at ${short(g.first)})`);
  }
  return `${out.join('\n')}\n`;
}
