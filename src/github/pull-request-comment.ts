import { formatMarkdown } from '../report/markdown.js';
import { verdictOf } from '../report/wording.js';
import type { DiffResult } from '../result.js';
import type { Severity } from '../severity.js';
import type { GithubApi, IssueComment } from './api.js';

/** Which pull request, at which commit, and which of depguard's comments on it. */
export interface CommentTarget {
  readonly pullRequest: number;
  readonly headSha: string;
  /** Tells apart the comments of several depguard runs on one pull request (one per project); '' for the only one. */
  readonly key: string;
}

/** What happened to the comment. */
export type CommentOutcome =
  | { readonly kind: 'created' | 'updated' | 'unchanged' | 'resolved'; readonly id: number }
  /** Nothing to say, and no earlier comment to mark resolved. */
  | { readonly kind: 'none' };

/**
 * One comment per pull request (and key), found again by the hidden marker it starts with and
 * updated in place: posted when the report has something a reviewer should read, marked
 * resolved when a later run has nothing left, left alone when it already says the same. Only a
 * bot's comment is taken for depguard's: anyone can paste the marker into a comment of their
 * own, and such a comment is neither edited nor mistaken for the report.
 */
export async function syncComment(api: GithubApi, target: CommentTarget, result: DiffResult, failOn: Severity): Promise<CommentOutcome> {
  const marker = markerOf(target.key);
  const ours = (await api.listComments(target.pullRequest)).find((c) => c.byBot && c.body.startsWith(`${marker}\n`));
  const wanted = needsComment(result) ? reportBody(marker, result, failOn, target.headSha) : null;
  if (wanted !== null) {
    if (ours === undefined) return outcome('created', await api.createComment(target.pullRequest, wanted));
    return ours.body === wanted ? outcome('unchanged', ours) : outcome('updated', await api.updateComment(ours.id, wanted));
  }
  if (ours === undefined) return { kind: 'none' };
  const resolved = resolvedBody(marker, result, failOn, target.headSha);
  return ours.body === resolved ? outcome('unchanged', ours) : outcome('resolved', await api.updateComment(ours.id, resolved));
}

/** A finding above info, or a package that could not be checked: what a reviewer should read. */
function needsComment(result: DiffResult): boolean {
  return result.findings.some((f) => f.severity !== 'info') || result.unavailable.length > 0;
}

/** The hidden first line; the key is percent-encoded, so it cannot end the HTML comment. */
export function markerOf(key: string): string {
  return `<!-- depguard pull-request comment${key === '' ? '' : ` ${encodeURIComponent(key)}`} -->`;
}

function reportBody(marker: string, result: DiffResult, failOn: Severity, headSha: string): string {
  return `${marker}\n${formatMarkdown(result, { failOn })}\n<sub>depguard, as of ${headSha.slice(0, 12)}. This comment is updated on each run.</sub>\n`;
}

function resolvedBody(marker: string, result: DiffResult, failOn: Severity, headSha: string): string {
  return `${marker}\n## ✅ depguard: resolved\n\nThe findings reported here earlier are gone as of ${headSha.slice(0, 12)}: ${verdictOf(result, failOn).message}.\n`;
}

function outcome(kind: 'created' | 'updated' | 'unchanged' | 'resolved', comment: IssueComment): CommentOutcome {
  return { kind, id: comment.id };
}
