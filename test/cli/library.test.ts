import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { audit, InterruptedError, RegistryError, UsageError, why, type MetadataClient } from '../../src/index.js';
import { fixture, ROOT, runCli, type CliResult } from '../helpers/cli.js';

/**
 * depguard as a package: `import { audit } from 'depguard'` resolves through package.json's
 * exports to the built entry, runs with options alone (no argv, no process.env), and returns
 * the result `depguard diff --format json` prints.
 */
let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'));
});
afterAll(() => registry.close());

/** A project with depguard installed (a link to this checkout, as `npm link` makes). */
function consumer(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'depguard-consumer-'));
  mkdirSync(path.join(dir, 'node_modules'));
  symlinkSync(ROOT, path.join(dir, 'node_modules', 'depguard'), 'dir');
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return dir;
}

/** Runs node without blocking this process (the fixture registry answers from here). */
function node(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe("the package's entry point", () => {
  it('package.json exports the built entry and its declarations; the bin stays', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; import: string }>;
      bin: Record<string, string>;
    };
    expect(pkg.bin.depguard).toBe('bin/depguard.js');
    const entry = pkg.exports['.']!;
    for (const file of [entry.import, entry.types]) expect(existsSync(path.join(ROOT, file)), file).toBe(true);
  });

  it("audit() from import('depguard') returns what depguard diff --format json prints", async () => {
    const dir = consumer();
    const home = mkdtempSync(path.join(os.tmpdir(), 'depguard-home-'));
    const options = {
      cwd: ROOT,
      base: 'fixtures/event-stream/base',
      head: 'fixtures/event-stream/head',
      registry: registry.url,
      now: Date.parse('2026-11-01'),
      env: { HOME: home },
      cache: { dir: path.join(home, 'cache') },
    };
    writeFileSync(
      path.join(dir, 'run.mjs'),
      `import { audit } from 'depguard';\n` +
        `const run = await audit(${JSON.stringify(options)});\n` +
        `process.stdout.write(JSON.stringify({ result: run.result, failOn: run.failOn, headPackages: run.head.nodes.length, argv: process.argv.length }));\n`,
    );
    const [lib, cli] = await Promise.all([
      node(['run.mjs'], dir),
      runCli([
        'diff',
        '--base',
        options.base,
        '--head',
        options.head,
        '--as-of',
        '2026-11-01',
        '--format',
        'json',
        '--registry',
        registry.url,
      ]),
    ]);
    expect(lib.stderr).toBe('');
    expect(lib.code).toBe(0);
    expect(cli.code).toBe(1);
    const out = JSON.parse(lib.stdout) as { result: unknown; failOn: string; headPackages: number; argv: number };
    expect(out.result).toEqual(JSON.parse(cli.stdout));
    expect(`${JSON.stringify(out.result, null, 2)}\n`).toBe(cli.stdout);
    expect(out).toMatchObject({ failOn: 'high', argv: 2 });
    expect(out.headPackages).toBeGreaterThan(1);
  }, 60_000);

  it('type-checks for a consumer: the declarations come with the package', async () => {
    const dir = consumer();
    writeFileSync(
      path.join(dir, 'use.ts'),
      [
        "import { audit, type AuditOptions, type AuditRun, type DiffResult, type MetadataClient, UsageError } from 'depguard';",
        "const client: MetadataClient = { packageFacts: async () => { throw new UsageError('offline'); } };",
        "const options: AuditOptions = { cwd: '.', command: 'audit', client, cache: false, policy: { json: { failOn: 'high' } } };",
        'const run: AuditRun = await audit(options);',
        'const result: DiffResult = run.result;',
        'export const highest: string | null = result.summary.highest;',
        '',
      ].join('\n'),
    );
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const r = await node(
      [
        tsc,
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--target',
        'es2022',
        '--types',
        'node',
        '--typeRoots',
        path.join(ROOT, 'node_modules', '@types'),
        'use.ts',
      ],
      dir,
    );
    expect(r.stdout + r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);
});

describe('audit() in process', () => {
  const sides = { cwd: ROOT, base: 'fixtures/event-stream/base', head: 'fixtures/event-stream/head' };

  it('asks a client of your own, and writes no cache', async () => {
    const asked: string[] = [];
    const client: MetadataClient = {
      packageFacts: async (name) => {
        asked.push(name);
        throw new RegistryError(name, 'not here');
      },
    };
    const run = await audit({ ...sides, client, cache: false, policy: { json: { failOn: 'critical' }, source: 'test' } });
    expect(asked.sort()).toEqual([...new Set(run.result.changes.filter((c) => c.kind !== 'removed').map((c) => c.name))].sort());
    expect(new Set(run.result.unavailable.map((u) => `${u.package.name}: ${u.reason}`))).toEqual(
      new Set(asked.map((name) => `${name}: not here`)),
    );
    expect(run.failOn).toBe('critical');
    expect(run.result.policy.source).toBe('test');
  });

  it('refuses limits that cannot work, before reading anything', async () => {
    await expect(audit({ ...sides, limits: { concurrency: 0 } })).rejects.toThrow(
      new UsageError('audit(): limits.concurrency must be a positive integer'),
    );
    await expect(audit({ ...sides, deadlineMs: 30 * 86_400_000 })).rejects.toThrow(UsageError);
  });

  it('a signal that aborts stops the run: InterruptedError, nothing asked (the CLI turns Ctrl-C into it)', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'signal-cache-'));
    const before = registry.requests.length;
    await expect(audit({ ...sides, registry: registry.url, cache: { dir: cache }, signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      InterruptedError,
    );
    expect(registry.requests.length).toBe(before);
  });

  it('why() finds every copy of a package and its paths', async () => {
    const explained = await why({ cwd: ROOT, lockfile: 'fixtures/event-stream/head/package-lock.json', name: 'flatmap-stream' });
    expect(explained.lockfile).toBe(path.join('fixtures', 'event-stream', 'head', 'package-lock.json'));
    expect(explained.copies.map((c) => c.name)).toEqual(['flatmap-stream']);
    expect(explained.copies[0]!.paths.length).toBeGreaterThan(0);
  });
});
