import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, fixture, runCli } from '../helpers/cli.js';

/** Runs depguard and closes its standard output after the first chunk, as `| head -c 1` does. */
function readFirstChunk(args: string[]): Promise<{ code: number | null; stderr: string; first: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let first = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once('data', (chunk: Buffer) => {
      first = chunk.toString();
      child.stdout.destroy();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, first }));
  });
}

describe('a reader that closes standard output early (`depguard ... | head`)', () => {
  it('stops depguard with 141 and no stack trace, whatever the command', async () => {
    // an SBOM of a large real lockfile is far more than one pipe buffer
    const r = await readFirstChunk(['sbom', '--lockfile', fixture('real-npm', 'kitchen-sink', 'head', 'package-lock.json')]);
    expect(r.first).toContain('"bomFormat"');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(141);
  }, 60_000);

  it('is documented with its exit code', async () => {
    const help = await runCli(['diff', '--help']);
    expect(help.stdout).toContain('141  standard output was closed');
  });
});
