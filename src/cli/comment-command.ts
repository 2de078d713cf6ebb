import { GithubApiError, UsageError } from '../errors.js';
import { githubApi } from '../github/api.js';
import { pullRequestOf, readEvent } from '../github/event.js';
import { readJsonReport } from '../github/json-report.js';
import { syncComment } from '../github/pull-request-comment.js';
import { forWorkflowData } from '../report/sanitize.js';
import type { Environment } from './environment.js';
import type { CommentValues } from './options.js';

/**
 * `depguard comment`: the report of a run, as the one depguard comment on the pull request the
 * workflow runs for. It runs apart from the audit, so the token it needs is never in the
 * environment of the run that reads the change (whose .npmrc may name `${GITHUB_TOKEN}`), and
 * goes only to $GITHUB_API_URL. Returns the line to print.
 */
export async function runComment(flags: CommentValues, { env }: Environment): Promise<string> {
  const result = readJsonReport(flags.report);
  const pullRequest = pullRequestOf(readEvent(need(env, 'GITHUB_EVENT_PATH')));
  if (pullRequest === null) return `depguard: not a pull request (${env.GITHUB_EVENT_NAME ?? 'unknown event'}): no comment\n`;
  const api = githubApi({
    url: need(env, 'GITHUB_API_URL'),
    repository: need(env, 'GITHUB_REPOSITORY'),
    token: env.GITHUB_TOKEN ?? '',
  });
  try {
    const done = await syncComment(
      api,
      { pullRequest: pullRequest.number, headSha: pullRequest.headSha, key: flags.key ?? '' },
      result,
      flags.failOn,
    );
    const on = `on pull request #${pullRequest.number}`;
    switch (done.kind) {
      case 'created':
        return `depguard: posted the report ${on} (comment ${done.id})\n`;
      case 'updated':
        return `depguard: updated the report ${on} (comment ${done.id})\n`;
      case 'unchanged':
        return `depguard: the comment ${on} already says this (comment ${done.id})\n`;
      case 'resolved':
        return `depguard: marked the comment ${on} resolved (comment ${done.id})\n`;
      case 'none':
        return `depguard: nothing to comment ${on} (no finding above info)\n`;
    }
  } catch (error) {
    if (!(error instanceof GithubApiError) || error.status !== 403) throw error;
    // GitHub gives a pull request from a fork a read-only token, whatever the workflow asks for.
    if (pullRequest.fromFork)
      return `::warning title=depguard::${forWorkflowData(`cannot comment on pull request #${pullRequest.number}: it comes from a fork, and GitHub gives such runs a read-only token (the report is in the log and the step summary)`)}\n`;
    throw new UsageError(`${error.message} (the job needs \`permissions: pull-requests: write\`)`);
  }
}

function need(env: Environment['env'], name: string): string {
  const value = env[name];
  if (!value) throw new UsageError(`${name} is not set: depguard comment runs in GitHub Actions, on a pull request`);
  return value;
}
