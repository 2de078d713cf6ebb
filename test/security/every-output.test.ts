import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { FORMATS } from '../../src/report/index.js';
import { fixture, ROOT, runCli } from '../helpers/cli.js';

/** The event-stream update locked by each package manager: fixtures/event-stream[/<manager>]/{base,head}. */
const LOCKFILES = [
  [null, 'package-lock.json'],
  ['pnpm', 'pnpm-lock.yaml'],
  ['pnpm-v6', 'pnpm-lock.yaml'],
  ['yarn-classic', 'yarn.lock'],
  ['yarn-berry', 'yarn.lock'],
  ['bun', 'bun.lock'],
] as const;

interface SarifLog {
  runs: Array<{
    results: Array<{
      message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }>;
    }>;
  }>;
}

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'));
});
afterAll(async () => {
  await registry.close();
});

const lineAt = (file: string, line: number): string => readFileSync(file, 'utf8').split(/\r?\n/)[line - 1] ?? '';

describe('every output format on every lockfile format', () => {
  for (const [manager, fileName] of LOCKFILES) {
    const dir = (side: string): string => (manager === null ? fixture('event-stream', side) : fixture('event-stream', manager, side));
    const head = path.join(dir('head'), fileName);
    const headPath = path.relative(ROOT, head).split(path.sep).join('/');

    it(`${manager ?? 'npm'}: exits 1 in every format, pointing SARIF and annotations at the entries of ${fileName}`, async () => {
      const outputs = await Promise.all(
        FORMATS.map((format) =>
          runCli(['diff', '--base', dir('base'), '--head', dir('head'), '--registry', registry.url, '--format', format]),
        ),
      );
      const by = Object.fromEntries(FORMATS.map((format, i) => [format, outputs[i]!]));
      for (const format of FORMATS) {
        expect(by[format]!.stderr, format).toBe('');
        expect(by[format]!.code, format).toBe(1);
        expect(by[format]!.stdout, format).toContain('event-stream');
      }

      const results = (JSON.parse(by.sarif!.stdout) as SarifLog).runs[0]!.results;
      expect(results.length).toBe(JSON.parse(by.json!.stdout).findings.length);
      const sarifLines = results.map((r) => {
        const { artifactLocation, region } = r.locations[0]!.physicalLocation;
        expect(artifactLocation.uri).toBe(headPath);
        return { name: r.message.text.split(' ')[0]!, line: region.startLine };
      });

      const annotations = by.github!.stdout.trimEnd().split('\n').slice(0, -1);
      expect(annotations.length).toBe(results.length);
      const githubLines = annotations.map((a) => {
        const m = /^::(?:error|warning|notice) file=([^,]+),line=(\d+),title=depguard [^%]+%3A (\S+) /.exec(a);
        expect(m, a).not.toBeNull();
        expect(m![1]).toBe(headPath);
        return { name: m![3]!, line: Number(m![2]) };
      });

      for (const { name, line } of [...sarifLines, ...githubLines]) expect(lineAt(head, line), `${name} at line ${line}`).toContain(name);
      const eventStream = sarifLines.find((l) => l.name === 'event-stream')!;
      expect(eventStream.line).toBeGreaterThan(1);
      expect(lineAt(head, eventStream.line)).toContain('event-stream');
      expect(githubLines.filter((l) => l.name === 'event-stream').map((l) => l.line)).toContain(eventStream.line);
    });
  }
});
