import { ConfigError } from '../errors.js';
import { readRegularFile } from '../files.js';

/**
 * The event that started a GitHub Actions workflow, as the runner wrote it to $GITHUB_EVENT_PATH
 * (set by the CI owner's runner, never by the change under review). Only the few fields
 * depguard needs are read, each checked.
 */

/** A push: what the pushed ref pointed at before, and the repository's default branch. */
export interface PushEvent {
  /** The commit the ref pointed at before the push; null for a new branch or tag (GitHub sends forty zeros). */
  readonly before: string | null;
  /** The ref pushed, e.g. `refs/heads/feature`. */
  readonly ref: string;
  readonly defaultBranch: string | null;
}

/** The pull request a workflow runs for. */
export interface PullRequestEvent {
  readonly number: number;
  /** The head commit, as the pull request shows it. */
  readonly headSha: string;
  /** From a fork: GitHub gives such runs a read-only token. */
  readonly fromFork: boolean;
}

/** Event payloads hold the pull request's text and commits' messages: a few MB at most. */
const MAX_EVENT_BYTES = 32 * 1024 * 1024;

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** The payload at $GITHUB_EVENT_PATH, parsed. */
export function readEvent(file: string): unknown {
  const label = `GITHUB_EVENT_PATH ${file}`;
  const text = readRegularFile(file, { maxBytes: MAX_EVENT_BYTES, label });
  if (text === null) throw new ConfigError(`${label}: no such file`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ConfigError(`${label}: not JSON`);
  }
}

/** The push described by a `push` event's payload; null when it does not describe one. */
export function pushEventOf(payload: unknown): PushEvent | null {
  const before = field(payload, 'before');
  const ref = field(payload, 'ref');
  if (typeof before !== 'string' || !SHA.test(before) || typeof ref !== 'string') return null;
  const defaultBranch = field(field(payload, 'repository'), 'default_branch');
  return {
    before: /^0+$/.test(before) ? null : before,
    ref,
    defaultBranch: typeof defaultBranch === 'string' && defaultBranch !== '' ? defaultBranch : null,
  };
}

/** The pull request of a `pull_request` (or `pull_request_target`) event's payload; null for any other event. */
export function pullRequestOf(payload: unknown): PullRequestEvent | null {
  const pr = field(payload, 'pull_request');
  const number = field(pr, 'number');
  const headSha = field(field(pr, 'head'), 'sha');
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 1) return null;
  if (typeof headSha !== 'string' || !SHA.test(headSha)) return null;
  const headRepo = field(field(field(pr, 'head'), 'repo'), 'full_name');
  const baseRepo = field(field(field(pr, 'base'), 'repo'), 'full_name');
  return { number, headSha, fromFork: typeof headRepo !== 'string' || headRepo !== baseRepo };
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}
