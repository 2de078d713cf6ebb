import { describe, expect, it } from 'vitest';
import { loadDocuments } from '../../scripts/fixture-registry.mjs';
import { fixture, runCli } from '../helpers/cli.js';
import { tempRepo } from '../helpers/git.js';
import { startRecorder } from '../helpers/servers.js';

/**
 * A registry that trickles bytes forever never trips the per-request --timeout (bytes keep
 * arriving). --deadline bounds the whole run: what is not judged by then is listed as not
 * checked, "deadline passed", and the run ends with exit 3. The test timeout is the hang detector.
 */
const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');
const DOCS = loadDocuments(fixture('event-stream', 'registry'));

/** Serves the fixture documents, except `slow` names, whose documents arrive one byte every 50 ms, forever. */
async function trickling(slow: readonly string[]) {
  const timers = new Set<NodeJS.Timeout>();
  const registry = await startRecorder((p, _req, res) => {
    const name = p.slice(1);
    const doc = DOCS.get(name);
    if (!doc) return false;
    res.writeHead(200, { 'content-type': 'application/json' });
    if (!slow.includes(name)) {
      res.end(JSON.stringify(doc));
      return true;
    }
    res.write(`{"name": ${JSON.stringify(name)},`);
    const timer = setInterval(() => res.write(' '), 50);
    timers.add(timer);
    res.on('close', () => clearInterval(timer));
    return true;
  });
  return {
    registry,
    close: async () => {
      for (const t of timers) clearInterval(t);
      await registry.close();
    },
  };
}

async function run(slow: readonly string[], extra: string[]) {
  const { registry, close } = await trickling(slow);
  try {
    const r = await runCli([
      'diff',
      '--base',
      BASE,
      '--head',
      HEAD,
      '--registry',
      registry.url,
      '--format',
      'json',
      '--timeout',
      '30',
      ...extra,
    ]);
    return { ...r, out: r.stdout ? JSON.parse(r.stdout) : null };
  } finally {
    await close();
  }
}

const unavailable = (out: { unavailable: Array<{ package: { name: string }; reason: string }> }) =>
  out.unavailable.map((u) => `${u.package.name}: ${u.reason}`);

describe('--deadline', () => {
  it('one package trickling forever: it is not checked ("deadline passed"), the others are judged, exit 3', async () => {
    const r = await run(['event-stream'], ['--deadline', '3s']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(unavailable(r.out)).toEqual(['event-stream: deadline passed']);
    expect(r.out.findings.map((f: { package: { name: string } }) => f.package.name)).toContain('flatmap-stream');
  }, 60_000);

  it('every package trickling: all listed, and --allow-incomplete turns exit 3 into 0', async () => {
    const r = await run(['event-stream', 'flatmap-stream'], ['--deadline', '2s', '--allow-incomplete', '--concurrency', '1']);
    expect(r.code).toBe(0);
    expect(unavailable(r.out)).toEqual(['event-stream: deadline passed', 'flatmap-stream: deadline passed']);
  }, 60_000);

  it('is a flag of diff, audit and the hook, and must be a duration', async () => {
    for (const value of ['soon', '0s', '100d']) {
      const r = await runCli(['diff', '--base', BASE, '--head', HEAD, '--deadline', value]);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`depguard: --deadline must be a duration from 1s to 24d, like 10m or 1h, not '${value}'\n`);
    }
    expect((await runCli(['audit', '--lockfile', HEAD, '--deadline', 'later'])).code).toBe(2);
    const hook = await runCli(['hook', 'install', '--', '--deadline', 'later'], { cwd: tempRepo() });
    expect(hook.code).toBe(2);
    expect(hook.stderr).toContain('--deadline must be a duration');
    expect((await runCli(['diff', '--help'])).stdout).toContain('--deadline <duration>');
  }, 60_000);
});
