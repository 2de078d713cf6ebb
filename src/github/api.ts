import { GithubApiError, UsageError } from '../errors.js';

/** A comment on a pull request (GitHub calls them issue comments). */
export interface IssueComment {
  readonly id: number;
  readonly body: string;
  /** Posted by a bot account (the workflow's token, a GitHub App), not by a person. */
  readonly byBot: boolean;
}

/** The few calls of GitHub's REST API that a pull-request comment needs, for one repository. */
export interface GithubApi {
  listComments(issue: number): Promise<IssueComment[]>;
  createComment(issue: number, body: string): Promise<IssueComment>;
  updateComment(id: number, body: string): Promise<IssueComment>;
}

export interface GithubApiOptions {
  /** The API's base URL, as the runner sets $GITHUB_API_URL (`https://api.github.com`, or GHES's `https://host/api/v3`). */
  readonly url: string;
  /** `owner/name`, as $GITHUB_REPOSITORY. */
  readonly repository: string;
  readonly token: string;
}

const PER_PAGE = 100;
/** 5,000 comments: a pull request with more is not read to the end. */
const MAX_PAGES = 50;
const TIMEOUT_MS = 30_000;
const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * The API over fetch. The token goes only to the configured API: every request URL is a path of
 * checked segments below its base URL, links in answers (pagination) are never followed, and a
 * redirect is an error instead of being followed. Plain http only on loopback.
 */
export function githubApi(options: GithubApiOptions): GithubApi {
  const base = apiBase(options.url);
  const [owner, name, ...rest] = options.repository.split('/');
  const segment = (s: string | undefined): boolean => s !== undefined && /^[\w.-]+$/.test(s) && s !== '.' && s !== '..';
  if (!segment(owner) || !segment(name) || rest.length > 0)
    throw new UsageError(`GITHUB_REPOSITORY must be owner/name, not '${options.repository.slice(0, 200)}'`);
  if (options.token === '' || /[\s\0]/.test(options.token)) throw new UsageError('GITHUB_TOKEN is not set (or is not a token)');
  const repo = `repos/${owner}/${name}`;

  const pathOf = (path: string): string => new URL(path, base).pathname;

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    // a relative path of checked segments: always below the API's base URL
    const url = new URL(path, base);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          accept: 'application/vnd.github+json',
          authorization: `Bearer ${options.token}`,
          'user-agent': 'depguard',
          'x-github-api-version': '2022-11-28',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why =
        (error as Error).name === 'TimeoutError'
          ? `no answer within ${TIMEOUT_MS / 1000} s`
          : (cause?.code ?? cause?.message ?? (error as Error).message);
      throw new GithubApiError(method, url.pathname, null, why);
    }
    const text = await response.text();
    if (!response.ok) throw new GithubApiError(method, url.pathname, response.status, messageOf(text) ?? response.statusText);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new GithubApiError(method, url.pathname, response.status, 'the answer is not JSON');
    }
  }

  return {
    async listComments(issue) {
      const all: IssueComment[] = [];
      for (let page = 1; page <= MAX_PAGES; page++) {
        const batch = await call('GET', `${repo}/issues/${issue}/comments?per_page=${PER_PAGE}&page=${page}`);
        if (!Array.isArray(batch))
          throw new GithubApiError('GET', pathOf(`${repo}/issues/${issue}/comments`), 200, 'the answer is not a list');
        all.push(...batch.map((c) => commentOf(c, 'GET', pathOf(`${repo}/issues/${issue}/comments`))));
        if (batch.length < PER_PAGE) break;
      }
      return all;
    },
    async createComment(issue, body) {
      const path = `${repo}/issues/${issue}/comments`;
      return commentOf(await call('POST', path, { body }), 'POST', pathOf(path));
    },
    async updateComment(id, body) {
      const path = `${repo}/issues/comments/${id}`;
      return commentOf(await call('PATCH', path, { body }), 'PATCH', pathOf(path));
    },
  };
}

/** The base URL, ending in `/` so paths resolve below it (GHES serves the API under /api/v3). */
function apiBase(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`GITHUB_API_URL is not a URL: '${url.slice(0, 200)}'`);
  }
  if (parsed.username || parsed.password || parsed.search || parsed.hash)
    throw new UsageError('GITHUB_API_URL must be a plain base URL (no credentials, query or fragment)');
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)))
    throw new UsageError(`GITHUB_API_URL must be https (http only on this machine), not '${parsed.protocol}'`);
  if (!parsed.pathname.endsWith('/')) parsed.pathname += '/';
  return parsed;
}

function commentOf(value: unknown, method: string, path: string): IssueComment {
  const c = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const user = (typeof c.user === 'object' && c.user !== null ? c.user : {}) as Record<string, unknown>;
  if (typeof c.id !== 'number' || !Number.isSafeInteger(c.id)) throw new GithubApiError(method, path, 200, 'the answer is not a comment');
  return { id: c.id, body: typeof c.body === 'string' ? c.body : '', byBot: user.type === 'Bot' };
}

/** GitHub's error answers say what went wrong in `message`. */
function messageOf(text: string): string | undefined {
  try {
    const message = (JSON.parse(text) as { message?: unknown }).message;
    return typeof message === 'string' ? message : undefined;
  } catch {
    return undefined;
  }
}
