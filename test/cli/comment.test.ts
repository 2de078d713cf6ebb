import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { markerOf } from '../../src/github/pull-request-comment.js';
import { fixture, runCli } from '../helpers/cli.js';
import { startFakeGithub, type FakeGithub } from '../helpers/fake-github.js';
import { startRecorder } from '../helpers/servers.js';

const HEAD_SHA = 'c0ffee'.padEnd(40, '0');
const MARKER = markerOf('');

let registry: Registry;
let github: FakeGithub;
let dir: string;
/** JSON reports of real runs: the event-stream change (findings up to critical), and no change at all. */
let failing: string;
let clean: string;

beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'));
  dir = mkdtempSync(path.join(os.tmpdir(), 'depguard-comment-'));
  failing = path.join(dir, 'failing.json');
  clean = path.join(dir, 'clean.json');
  const side = (s: string): string => fixture('event-stream', s);
  const run = (head: string, json: string) =>
    runCli(['diff', '--base', side('base'), '--head', side(head), '--registry', registry.url, '--no-code', '--json-file', json]);
  const [f, c] = await Promise.all([run('head', failing), run('base', clean)]);
  expect([f.code, c.code]).toEqual([1, 0]);
  // --json-file writes the JSON report beside the text one
  expect(f.stdout).toContain('CRITICAL event-stream');
  expect(JSON.parse(readFileSync(failing, 'utf8')).findings.length).toBeGreaterThan(1);
});
afterAll(() => registry.close());

beforeEach(async () => {
  github = await startFakeGithub();
  return () => github.close();
});

/** The environment GitHub Actions gives a step on a pull request. */
function prEnv(pullRequest: object = {}, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const event = path.join(mkdtempSync(path.join(os.tmpdir(), 'event-')), 'event.json');
  const repo = { full_name: 'owner/repo' };
  writeFileSync(
    event,
    JSON.stringify({ action: 'synchronize', pull_request: { number: 7, head: { sha: HEAD_SHA, repo }, base: { repo }, ...pullRequest } }),
  );
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: event,
    GITHUB_API_URL: github.url,
    GITHUB_REPOSITORY: 'owner/repo',
    GITHUB_TOKEN: github.token,
    ...extra,
  };
}

const comment = (report: string, env: NodeJS.ProcessEnv = prEnv(), more: string[] = []) =>
  runCli(['comment', '--report', report, ...more], { env });

const writes = (): string[] => github.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`);

describe('depguard comment', () => {
  it('keeps one comment: posted, left alone, updated in place, marked resolved', async () => {
    const created = await comment(failing);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('depguard: posted the report on pull request #7 (comment 1000)\n');
    expect(github.comments).toHaveLength(1);
    const body = github.comments[0]!.body;
    expect(body.startsWith(`${MARKER}\n## ❌ depguard: FAIL:`)).toBe(true);
    expect(body).toContain('| event\\-stream | 3\\.3\\.4 \\-&gt; 3\\.3\\.6');
    expect(body).toContain(`as of ${HEAD_SHA.slice(0, 12)}`);

    // the same report again: nothing to write
    expect((await comment(failing)).stdout).toBe('depguard: the comment on pull request #7 already says this (comment 1000)\n');

    // a different report: the same comment, edited
    const fewer = JSON.parse(readFileSync(failing, 'utf8'));
    fewer.findings = fewer.findings.filter((f: { ruleId: string }) => f.ruleId !== 'version-jump');
    const fewerFile = path.join(dir, 'fewer.json');
    writeFileSync(fewerFile, JSON.stringify(fewer));
    expect((await comment(fewerFile)).stdout).toBe('depguard: updated the report on pull request #7 (comment 1000)\n');
    expect(github.comments[0]!.body).not.toBe(body);

    // the findings gone: marked resolved, once
    expect((await comment(clean)).stdout).toBe('depguard: marked the comment on pull request #7 resolved (comment 1000)\n');
    expect(github.comments[0]!.body).toBe(
      `${MARKER}\n## ✅ depguard: resolved\n\nThe findings reported here earlier are gone as of ${HEAD_SHA.slice(0, 12)}: PASS: no findings at or above high.\n`,
    );
    expect((await comment(clean)).stdout).toBe('depguard: the comment on pull request #7 already says this (comment 1000)\n');
    expect(github.comments).toHaveLength(1);
    expect(writes()).toEqual([
      'POST /api/v3/repos/owner/repo/issues/7/comments',
      'PATCH /api/v3/repos/owner/repo/issues/comments/1000',
      'PATCH /api/v3/repos/owner/repo/issues/comments/1000',
    ]);
    // every call carried the token, and only to the API
    expect(github.requests.every((r) => r.authorization === `Bearer ${github.token}` && r.path.startsWith('/api/v3/'))).toBe(true);
  });

  it('posts nothing when there is nothing to say and no comment to resolve', async () => {
    const r = await comment(clean);
    expect(r.stdout).toBe('depguard: nothing to comment on pull request #7 (no finding above info)\n');
    expect(github.comments).toEqual([]);
    expect(writes()).toEqual([]);
  });

  it("finds its comment among many (page by page), and never takes a person's comment with the marker for its own", async () => {
    for (let i = 0; i < 150; i++) github.comments.push({ id: i + 1, body: `comment ${i}`, user: { login: 'someone', type: 'User' } });
    github.comments.splice(3, 0, { id: 500, body: `${MARKER}\n## ✅ depguard: PASS (forged)`, user: { login: 'mallory', type: 'User' } });
    expect((await comment(failing)).stdout).toBe('depguard: posted the report on pull request #7 (comment 1000)\n');
    expect(github.comments.find((c) => c.id === 500)!.body).toBe(`${MARKER}\n## ✅ depguard: PASS (forged)`);
    // the next run finds its own comment on the second page
    expect((await comment(clean)).stdout).toBe('depguard: marked the comment on pull request #7 resolved (comment 1000)\n');
    expect(github.requests.filter((r) => r.method === 'GET').map((r) => r.path)).toContain(
      '/api/v3/repos/owner/repo/issues/7/comments?per_page=100&page=2',
    );
    expect(github.comments.filter((c) => c.body.startsWith(MARKER))).toHaveLength(2);
  });

  it('keeps one comment per key: several projects on one pull request', async () => {
    await comment(failing, prEnv(), ['--key', 'app']);
    await comment(failing, prEnv(), ['--key', 'tools/package-lock.json']);
    await comment(clean, prEnv(), ['--key', 'app']);
    expect(github.comments.map((c) => c.body.split('\n')[0])).toEqual([
      '<!-- depguard pull-request comment app -->',
      '<!-- depguard pull-request comment tools%2Fpackage-lock.json -->',
    ]);
    expect(github.comments[0]!.body).toContain('depguard: resolved');
    expect(github.comments[1]!.body).toContain('depguard: FAIL');
    // a key cannot end the hidden comment
    expect(markerOf('x --> <img src=x>')).toBe('<!-- depguard pull-request comment x%20--%3E%20%3Cimg%20src%3Dx%3E -->');
  });

  it('escapes what strangers wrote: no HTML, link, mention or reference comes through', async () => {
    const report = JSON.parse(readFileSync(failing, 'utf8'));
    const hostile = '<img src=x onerror=alert(1)> [click](https://evil.example) @octocat #1 ![x](https://evil.example/x.png) </details>';
    report.findings[0].package.name = `evil-<b>pkg</b>`;
    report.findings[0].message = hostile;
    const file = path.join(dir, 'hostile.json');
    writeFileSync(file, JSON.stringify(report));
    expect((await comment(file)).code).toBe(0);
    const body = github.comments[0]!.body;
    expect(body).not.toMatch(/<img|<b>|<\/details>\s*\[|\]\(https:\/\/evil|@octocat|#1\b/);
    expect(body).toContain('&lt;img src=x onerror=alert\\(1\\)&gt;');
    expect(body).toContain('evil\\-&lt;b&gt;pkg&lt;/b&gt;');
  });

  it('posts nothing on any event but a pull request', async () => {
    const event = path.join(dir, 'push.json');
    writeFileSync(event, JSON.stringify({ before: 'a'.repeat(40), ref: 'refs/heads/main' }));
    const r = await comment(failing, prEnv({}, { GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: event }));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('depguard: not a pull request (push): no comment\n');
    expect(github.requests).toEqual([]);
  });

  it('sends the token to the configured API only: no redirect is followed, no plain http off this machine', async () => {
    const elsewhere = await startRecorder();
    try {
      github.redirectTo = `${elsewhere.url}steal`;
      const r = await comment(failing);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('depguard: GitHub API GET /api/v3/repos/owner/repo/issues/7/comments: unexpected redirect\n');
      expect(elsewhere.requests).toEqual([]);
      github.redirectTo = null;
      const insecure = await comment(failing, prEnv({}, { GITHUB_API_URL: 'http://api.github.example/' }));
      expect(insecure.code).toBe(2);
      expect(insecure.stderr).toBe("depguard: GITHUB_API_URL must be https (http only on this machine), not 'http:'\n");
      expect(writes()).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('warns instead of failing on a pull request from a fork, whose token GitHub makes read-only', async () => {
    github.refuseWith = { status: 403, message: 'Resource not accessible by integration' };
    const fork = await comment(failing, prEnv({ head: { sha: HEAD_SHA, repo: { full_name: 'someone/repo' } } }));
    expect(fork.code).toBe(0);
    expect(fork.stdout).toBe(
      '::warning title=depguard::cannot comment on pull request #7: it comes from a fork, and GitHub gives such runs a read-only token (the report is in the log and the step summary)\n',
    );
    const own = await comment(failing);
    expect(own.code).toBe(2);
    expect(own.stderr).toBe(
      'depguard: GitHub API GET /api/v3/repos/owner/repo/issues/7/comments: 403 Resource not accessible by integration (the job needs `permissions: pull-requests: write`)\n',
    );
  });

  it('says in one line what is missing or wrong', async () => {
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['comment', '--report', failing], { ...prEnv(), GITHUB_TOKEN: '' }, /^depguard: GITHUB_TOKEN is not set \(or is not a token\)\n$/],
      [
        ['comment', '--report', failing],
        { ...prEnv(), GITHUB_EVENT_PATH: '' },
        /^depguard: GITHUB_EVENT_PATH is not set: depguard comment runs in GitHub Actions, on a pull request\n$/,
      ],
      [
        ['comment', '--report', failing],
        { ...prEnv(), GITHUB_REPOSITORY: 'a/b/../c' },
        /^depguard: GITHUB_REPOSITORY must be owner\/name, not 'a\/b\/..\/c'\n$/,
      ],
      [['comment', '--report', path.join(dir, 'none.json')], prEnv(), /^depguard: .*none\.json: no such file\n$/],
      [
        ['comment', '--report', fixture('event-stream', 'head', 'package-lock.json')],
        prEnv(),
        /^depguard: .*package-lock\.json: not a depguard JSON report of schema version 1 \(schemaVersion undefined\)\n$/,
      ],
      [['comment'], prEnv(), /^depguard: required option '--report <path>' not specified\n$/],
    ];
    for (const [args, env, stderr] of cases) {
      const r = await runCli(args, { env });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(stderr);
    }
    const broken = JSON.parse(readFileSync(failing, 'utf8'));
    broken.findings[0].severity = 'severe';
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
    const r = await comment(path.join(dir, 'broken.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.json: not a depguard JSON report of schema version 1 \('findings' is missing or malformed\)\n$/);
    expect(github.requests).toEqual([]);
  });
});
