import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { BIN, fixture, runCli, type CliResult } from '../helpers/cli.js';

const BASE = fixture('event-stream', 'base', 'package-lock.json');
const HEAD = fixture('event-stream', 'head', 'package-lock.json');

/** A registry that answers everything but flatmap-stream's document, which it never answers. */
let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'), {
    fault: (_req: unknown, url: URL) => (url.pathname === '/flatmap-stream' ? 'hang' : undefined),
  });
});
afterAll(() => registry.close());

/** Resolves once the registry has been asked for `pathname` (polled: no time is asserted). */
async function requested(pathname: string): Promise<void> {
  while (!registry.requests.some((r) => r.path === pathname)) await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Starts depguard; once it waits on flatmap-stream's document, sends it SIGINT, as Ctrl-C does. */
function interruptedRun(args: string[], home: string): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  void requested('/flatmap-stream').then(() => child.kill('SIGINT'));
  return closed;
}

describe('Ctrl-C (SIGINT)', () => {
  it('stops the run with one line and exit 130, and keeps what was fetched in the cache', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'depguard-home-'));
    const cache = mkdtempSync(path.join(os.tmpdir(), 'interrupt-cache-'));
    // one request at a time, in name order: event-stream's document and both its tarballs are in
    // before flatmap-stream's document is asked for
    const args = ['diff', '--base', BASE, '--head', HEAD, '--registry', registry.url, '--cache-dir', cache, '--concurrency', '1'];
    const r = await interruptedRun(args, home);
    expect(r).toEqual({
      code: 130,
      stdout: '',
      stderr:
        'depguard: interrupted: nothing was judged; registry facts and tarballs fetched so far are kept in the cache for the next run\n',
    });
    expect(readdirSync(path.join(cache, 'tarballs-v1'), { recursive: true }).filter((f) => String(f).endsWith('.tgz'))).toHaveLength(2);

    // what arrived before Ctrl-C serves an offline run; what did not is named
    const before = registry.requests.length;
    const offline = await runCli([...args, '--offline', '--format', 'json']);
    expect(registry.requests.length).toBe(before);
    const out = JSON.parse(offline.stdout);
    expect(out.unavailable.map((u: { package: { name: string }; reason: string }) => `${u.package.name}: ${u.reason}`)).toEqual([
      'flatmap-stream: not in the cache (--offline)',
    ]);
    // event-stream is judged, its code included (both tarballs' analyses were kept)
    expect(out.findings.some((f: { package: { name: string } }) => f.package.name === 'event-stream')).toBe(true);
    expect(out.skipped.filter((s: { ruleId: string }) => s.ruleId === 'code-capabilities')).toEqual([]);
    expect(out.code).toEqual({ checked: true });
  }, 120_000);

  it('is documented with its exit code', async () => {
    const help = await runCli(['diff', '--help']);
    expect(help.stdout).toContain('130  interrupted (Ctrl-C)');
  });
});
