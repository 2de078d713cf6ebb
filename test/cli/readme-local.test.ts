import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRegistry, type Registry } from '../../scripts/fixture-registry.mjs';
import { fixture, ROOT, runCli } from '../helpers/cli.js';
import { git } from '../helpers/git.js';

/** The commands of the README's "Locally" section, as a user would paste them. */
function localSnippet(): string[][] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Locally'), readme.indexOf('## As a pre-commit hook'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .trim()
    .split('\n')
    .map((line) => line.replace(/^npx depguard /, '').split(/\s+/));
}

let registry: Registry;
beforeAll(async () => {
  registry = await startRegistry(fixture('event-stream', 'registry'));
});
afterAll(() => registry.close());

describe('README: the local audit snippet works as written', () => {
  it('runs each command in a project', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'readme-local-'));
    copyFileSync(fixture('event-stream', 'head', 'package-lock.json'), path.join(dir, 'package-lock.json'));
    copyFileSync(fixture('event-stream', 'head', 'package.json'), path.join(dir, 'package.json'));
    // a developer's own .npmrc, which git does not track: with no base to check it against, only
    // such a file (or the user's ~/.npmrc) may choose the registry
    writeFileSync(path.join(dir, '.npmrc'), `registry=${registry.url}\n`);
    git(dir, 'init', '-q');
    const commands = localSnippet();
    expect(commands.map((c) => c[0])).toEqual(['audit', 'audit', 'why', 'audit']);
    const env = { XDG_CACHE_HOME: path.join(dir, '.cache-home') };
    for (const args of commands) {
      const r = await runCli(args, { cwd: dir, env });
      expect(r.stderr, args.join(' ')).toBe('');
      expect([0, 1], args.join(' ')).toContain(r.code);
    }
    expect(existsSync(path.join(dir, 'depguard-audit.md'))).toBe(true);
    const why = await runCli(['why', 'flatmap-stream'], { cwd: dir, env });
    expect(why.stdout).toContain('wallet-app > event-stream@3.3.6 > flatmap-stream@0.1.1');
  });
});
