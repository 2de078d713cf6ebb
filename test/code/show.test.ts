import { describe, expect, it } from 'vitest';
import type { TarballFetcher } from '../../src/code/analyzer.js';
import { packageDiff } from '../../src/code/show.js';
import { RegistryError } from '../../src/errors.js';
import { added, upgrade } from '../helpers/rules.js';
import { tgz, type RawEntry } from '../helpers/tar.js';

/** `--show-code`: the unified diff of a package's files, as a reviewer reads it in a terminal. */
function fetcher(versions: Record<string, RawEntry[]>): TarballFetcher & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async tarball(name, version) {
      asked.push(`${name}@${version}`);
      const entries = versions[version];
      if (!entries) throw new RegistryError(name, 'not found on the registry (404)');
      return tgz(entries);
    },
  };
}

describe('packageDiff', () => {
  it('shows changed and added files, not unchanged ones', async () => {
    const out = await packageDiff(
      fetcher({
        '1.0.0': [
          { path: 'package/index.js', body: 'module.exports = 1;\n' },
          { path: 'package/same.js', body: 'same\n' },
        ],
        '1.0.1': [
          { path: 'package/index.js', body: 'module.exports = 2;\n' },
          { path: 'package/same.js', body: 'same\n' },
          { path: 'package/new.js', body: "require('https')\n" },
        ],
      }),
      upgrade('p', '1.0.0', '1.0.1'),
    );
    expect(out).toContain('# p 1.0.0 -> 1.0.1');
    expect(out).toContain('-module.exports = 1;\n+module.exports = 2;');
    expect(out).toContain("--- a/new.js\n+++ b/new.js\n@@ -0,0 +1,1 @@\n+require('https')");
    expect(out).not.toContain('same.js');
  });

  it('escapes terminal control sequences and bidirectional overrides in names and content', async () => {
    const out = await packageDiff(
      fetcher({ '1.0.0': [{ path: 'package/x\u001b[2J.js', body: 'a\u001b]0;owned\u0007\u202e\n' }] }),
      added('p', '1.0.0'),
    );
    expect(out).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(out).toContain('\\u001b]0;owned\\u0007\\u202e');
  });

  it('names binaries and large files instead of printing them', async () => {
    const out = await packageDiff(
      fetcher({ '1.0.0': [{ path: 'package/addon.node', body: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]) }] }),
      added('p', '1.0.0'),
    );
    expect(out).toContain('(binary or larger than 512 KB: 0 -> 7 bytes)');
  });

  it('a tarball the registry does not serve is said in one line; a git package is never fetched', async () => {
    const f = fetcher({});
    expect(await packageDiff(f, added('p', '1.0.0'))).toBe('p 1.0.0: not found on the registry (404)\n');
    const change = added('q', '1.0.0');
    const git = { ...change, after: { ...change.after!, resolved: 'git+https://github.com/a/q.git#abc' } };
    expect(await packageDiff(f, git)).toMatch(/not installed from a registry \(git\)/);
    expect(f.asked).toEqual(['p@1.0.0']);
  });
});
