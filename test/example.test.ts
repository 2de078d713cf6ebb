import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

describe('npm run example (the README quick start)', () => {
  it('replays event-stream and shows the critical finding', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'example.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: ROOT, NO_COLOR: '1' },
    });
    expect(stdout).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
    expect(stdout).toContain('(example) depguard exited with 1: findings at or above --fail-on');
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const line of [
      'CRITICAL event-stream 3.3.4 -> 3.3.6  (upgraded, direct)',
      '3.3.6 depends on flatmap-stream@^0.1.0, which 3.3.4 did not',
      '  path wallet-app > event-stream@3.3.6',
      '  event-stream 3.3.4 -> 3.3.6 brings 1 new package: flatmap-stream 0.1.1; none with findings above info',
    ]) {
      expect(readme).toContain(line);
      expect(stdout).toContain(line);
    }
  });

  it('as of the day the payload landed, flags flatmap-stream too (the README says so)', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'example.mjs'), '--as-of', '2018-10-06'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: ROOT, NO_COLOR: '1' },
    });
    expect(stdout).toMatch(/^MEDIUM {3}flatmap-stream 0\.1\.1/m);
    expect(stdout).toContain('published by hugeglass, who had never published flatmap-stream before');
  });

  it('--advisories serves a malware advisory for flatmap-stream 0.1.1: critical in the diff, and in the audit (--audit)', async () => {
    for (const extra of [[], ['--audit']]) {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [path.join(ROOT, 'scripts', 'example.mjs'), '--advisories', ...extra],
        {
          cwd: ROOT,
          env: { PATH: process.env.PATH, HOME: ROOT, NO_COLOR: '1' },
        },
      );
      expect(stdout).toMatch(/^CRITICAL flatmap-stream 0\.1\.1/m);
      expect(stdout).toContain(
        'critical known-malicious            0.1.1 is malware, by the registry\'s advisory 1000001 "Malicious Package in flatmap-stream" (https://github.com/advisories/GHSA-9x64-5r7x-2q53)',
      );
      expect(stdout).not.toContain('advisory endpoint');
    }
  });

  it('npm run incident walks the README\'s "When an advisory lands": audit, exposure, sbom, the fix, exposure again', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'incident.mjs')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: ROOT, NO_COLOR: '1' },
    });
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## When an advisory lands'), readme.indexOf('## Exposure:'));
    // every output line the README shows is what the run printed (the commit ids are the run's own: dates fix them)
    const shown = [...section.matchAll(/^ {3}```\n([\s\S]*?)^ {3}```$/gm)].flatMap((m) => m[1]!.split('\n').map((l) => l.slice(3)));
    expect(shown.length).toBeGreaterThan(8);
    for (const line of shown.filter((l) => l.trim() !== '')) expect(stdout).toContain(line);
    expect(stdout).toContain('(exit 1)\n\n# 2.');
    expect(stdout).toContain('published by hugeglass');
    expect(stdout).toMatch(/left {5}[0-9a-f]{12} {2}2018-11-26 16:00 UTC {2}Drop flatmap-stream/);
    expect(stdout).not.toMatch(/no answer within|INCOMPLETE|advisory endpoint/);
  });
});
