import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SRC = path.join(ROOT, 'src');
const CLI = path.join(SRC, 'cli');

/** The CLI reaches the pipeline only through src/audit.ts (or src/index.ts): never its stages. */
const STAGES = ['lockfile', 'registry', 'diff', 'rules'];

/** Every module a file imports or re-exports, statically or dynamically, type-only included. */
function specifiers(source: string): string[] {
  const out: string[] = [];
  for (const m of source.matchAll(/(?:^|[\n;])\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of source.matchAll(/(?:^|[\n;])\s*import\s*['"]([^'"]+)['"]/g)) out.push(m[1]!);
  for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push(m[1]!);
  return out;
}

/** The folder of src/ an import lands in ('' for a file directly in src/), or null outside src/. */
function layerOf(fromFile: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const rel = path.relative(SRC, path.resolve(path.dirname(fromFile), specifier));
  if (rel.startsWith('..')) return null;
  const parts = rel.split(path.sep);
  return parts.length > 1 ? parts[0]! : '';
}

describe('src/cli', () => {
  it('finds the imports it checks (type-only, multi-line and dynamic ones too)', () => {
    const sample = `import type { A } from '../rules/a.js';\nimport {\n  b,\n  c,\n} from '../lockfile/b.js';\nexport { d } from '../diff/d.js';\nconst e = await import('../registry/e.js');\nimport '../side-effect.js';`;
    expect(specifiers(sample)).toEqual(['../rules/a.js', '../lockfile/b.js', '../diff/d.js', '../side-effect.js', '../registry/e.js']);
  });

  it(`imports nothing from src/{${STAGES.join(',')}}: only the core entry point (src/audit.ts, src/index.ts), the reporters and the config`, () => {
    const files = readdirSync(CLI).filter((f) => f.endsWith('.ts'));
    expect(files).toContain('main.ts');
    const offending: string[] = [];
    let checked = 0;
    for (const file of files) {
      const full = path.join(CLI, file);
      for (const specifier of specifiers(readFileSync(full, 'utf8'))) {
        const layer = layerOf(full, specifier);
        if (layer === null) continue;
        checked++;
        if (STAGES.includes(layer)) offending.push(`src/cli/${file}: ${specifier}`);
      }
    }
    expect(checked).toBeGreaterThan(20);
    expect(offending).toEqual([]);
  });

  it("validates the hook's arguments without a made-up policy", () => {
    for (const file of readdirSync(CLI)) expect(readFileSync(path.join(CLI, file), 'utf8'), file).not.toContain('EMPTY_POLICY');
  });
});
