import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../scripts/fixture-registry.mjs';
import os from 'node:os';
import { audit } from '../src/audit.js';
import { exitCodeFor } from '../src/cli/exit-code.js';
import { FORMATS, formatReport } from '../src/report/index.js';
import { fixture, ROOT } from './helpers/cli.js';

/**
 * Golden outputs: every output format on every lockfile format, for the event-stream change and
 * the patterns fixture (incident and benign shapes), through the in-process audit() and the
 * reporters, as `depguard diff` would print them (the files name the equivalent command; the CLI
 * itself is held to the same outputs by test/cli/library.test.ts and the CLI tests). A change in
 * any report shows in the diff of test/golden/; regenerate with
 * `UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts` and review it.
 */
const MANAGERS = [
  [null, 'package-lock.json'],
  ['pnpm', 'pnpm-lock.yaml'],
  ['pnpm-v6', 'pnpm-lock.yaml'],
  ['yarn-classic', 'yarn.lock'],
  ['yarn-berry', 'yarn.lock'],
  ['bun', 'bun.lock'],
] as const;
const SCENARIOS = ['event-stream', 'patterns'] as const;
const GOLDEN = path.join(ROOT, 'test', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const AS_OF = '2026-11-01';
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const registries = new Map<string, Registry>();
beforeAll(async () => {
  for (const scenario of SCENARIOS) registries.set(scenario, await startRegistry(fixture(scenario, 'registry')));
});
afterAll(async () => {
  for (const registry of registries.values()) await registry.close();
});

describe('golden outputs', () => {
  for (const scenario of SCENARIOS) {
    for (const [manager] of MANAGERS) {
      const dir = (side: string): string =>
        path.relative(ROOT, manager === null ? fixture(scenario, side) : fixture(scenario, manager, side));
      it(`${scenario} ${manager ?? 'npm'}`, async () => {
        const registry = registries.get(scenario)!;
        const home = mkdtempSync(path.join(os.tmpdir(), 'depguard-golden-'));
        const run = await audit({
          cwd: ROOT,
          command: 'diff',
          base: dir('base'),
          head: dir('head'),
          registry: registry.url,
          now: Date.parse(AS_OF),
          cache: false,
          env: { HOME: home },
        });
        const code = exitCodeFor(run.result, run.failOn, false);
        for (const format of FORMATS) {
          const args = ['diff', '--base', dir('base'), '--head', dir('head'), '--as-of', AS_OF, '--format', format];
          const stdout = formatReport(format, run.result, { failOn: run.failOn, color: false, verbose: false, toolVersion: VERSION });
          const port = new URL(registry.url).port;
          const text = `$ depguard ${args.join(' ')} --registry <fixture registry>\nexit ${code}\n--- stdout\n${stdout}--- stderr\n`
            .replaceAll(`127.0.0.1:${port}`, '127.0.0.1:<port>')
            // as Markdown escapes it (the advisory check's cause names the registry's host)
            .replaceAll(`127\\.0\\.0\\.1\\:${port}`, '127\\.0\\.0\\.1\\:<port>');
          const file = path.join(GOLDEN, `${scenario}.${manager ?? 'npm'}.${format}.txt`);
          if (UPDATE) {
            mkdirSync(GOLDEN, { recursive: true });
            writeFileSync(file, text);
          }
          expect(existsSync(file), `${path.relative(ROOT, file)} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
          expect(text, path.relative(ROOT, file)).toBe(readFileSync(file, 'utf8'));
        }
      }, 60_000);
    }
  }
});
