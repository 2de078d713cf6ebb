import type { Finding, Location } from '../model.js';
import type { DiffResult } from '../result.js';
import { severityRank, type Severity } from '../severity.js';
import { alertLevel } from './level.js';
import { formatMarkdown } from './markdown.js';
import { forWorkflowData as data, forWorkflowProperty as property } from './sanitize.js';
import { findingVersion, plural, verdictOf } from './wording.js';

export interface GithubOptions {
  readonly failOn: Severity;
}

/**
 * GitHub shows this many annotations of each level (error, warning, notice) per step and
 * drops the rest without a word.
 */
export const ANNOTATIONS_PER_LEVEL = 10;

const LEVELS = ['error', 'warning', 'notice'] as const;
type Level = (typeof LEVELS)[number];

interface Annotation {
  readonly level: Level;
  readonly line: string;
}

/**
 * GitHub Actions workflow commands: an annotation on the package's line of the head lockfile
 * (shown on the pull request's diff) for each finding and each package that could not be
 * checked, the most severe first and no more of a level than GitHub shows; then how many were
 * left out, and the verdict, as plain log lines. Strangers' text is escaped as the runner
 * decodes it, so it cannot end the line and start a command of its own.
 */
export function formatGithub(result: DiffResult, options: GithubOptions): string {
  const { shown, left } = annotationPlan(result);
  const lines = shown.map((a) => a.line);
  const note = leftOutText(left);
  if (note) lines.push(`depguard: ${note}; the step summary lists the findings`);
  lines.push(`depguard: ${verdictOf(result, options.failOn).message}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The step summary beside the annotations: the Markdown report, and, when GitHub could not show
 * every annotation, how many it did not.
 */
export function formatGithubSummary(result: DiffResult, options: GithubOptions): string {
  const note = leftOutText(annotationPlan(result).left);
  const report = formatMarkdown(result, { failOn: options.failOn });
  return note ? `${report}\n> [!NOTE]\n> Annotations: ${note}; the report above lists the findings.\n` : report;
}

/**
 * Every annotation in the order it is emitted: errors (critical before high), then warnings
 * (packages that could not be checked, which fail the run unless incomplete runs are allowed,
 * before medium findings), then notices (low before info); the first ANNOTATIONS_PER_LEVEL of
 * each level are shown. Equal ones keep the result's order.
 */
function annotationPlan(result: DiffResult): { shown: Annotation[]; left: Record<Level, number> } {
  const bySeverity = result.findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.i - b.i)
    .map(({ f }) => f);
  const isError = (f: Finding): boolean => alertLevel(f.severity) === 'error';
  const all: Annotation[] = [
    ...bySeverity.filter(isError).map(findingAnnotation),
    ...result.unavailable.map((u) => ({
      level: 'warning' as const,
      line: `::warning ${at(u.location)},title=${property(`depguard: ${u.package.name}@${u.package.version} could not be checked`)}::${data(u.reason)}`,
    })),
    ...bySeverity.filter((f) => !isError(f)).map(findingAnnotation),
  ];
  const count: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  const left: Record<Level, number> = { error: 0, warning: 0, notice: 0 };
  const shown = all.filter((a) => {
    if (count[a.level] === ANNOTATIONS_PER_LEVEL) {
      left[a.level]++;
      return false;
    }
    count[a.level]++;
    return true;
  });
  return { shown, left };
}

/** "GitHub shows 10 annotations of each level per step: 3 errors and 1 notice were left out", or '' when none were. */
function leftOutText(left: Record<Level, number>): string {
  const parts = LEVELS.filter((l) => left[l] > 0).map((l) => plural(left[l], l));
  if (parts.length === 0) return '';
  const total = LEVELS.reduce((n, l) => n + left[l], 0);
  const list = parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)}`;
  return `GitHub shows ${ANNOTATIONS_PER_LEVEL} annotations of each level per step: ${list} ${total === 1 ? 'was' : 'were'} left out (the most severe were kept)`;
}

function findingAnnotation(f: Finding): Annotation {
  const level = command(f.severity);
  const title = `depguard ${f.ruleId}: ${f.package.name} ${findingVersion(f)}`;
  return { level, line: `::${level} ${at(f.location)},title=${property(title)}::${data(message(f))}` };
}

/** The annotation's place; a path can hold ',' or ':', which would end the property. */
function at(location: Location): string {
  return `file=${property(location.file, Infinity)},line=${location.line}`;
}

function command(severity: Severity): Level {
  const level = alertLevel(severity);
  return level === 'note' ? 'notice' : level;
}

function message(f: Finding): string {
  return f.kind === 'package' && f.escalation ? `${f.message} (raised from ${f.escalation.from}: ${f.escalation.reason})` : f.message;
}
