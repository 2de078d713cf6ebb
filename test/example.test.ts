import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

describe('npm run example (the README quick start)', () => {
  it('replays event-stream and shows the critical finding', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'scripts', 'example.mjs')], { cwd: ROOT, env: { PATH: process.env.PATH, HOME: ROOT, NO_COLOR: '1' } });
    expect(stdout).toContain('CRITICAL event-stream 3.3.4 -> 3.3.6');
    expect(stdout).toContain('path wallet-app > event-stream@3.3.6 > flatmap-stream@0.1.1');
    expect(stdout).toContain('(example) depguard exited with 1: findings at or above --fail-on');
  });
});
