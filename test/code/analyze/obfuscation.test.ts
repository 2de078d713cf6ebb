import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { obfuscationSignals } from '../../../src/code/analyze/obfuscation.js';

const details = (text: string) => obfuscationSignals(text).map((s) => `${s.kind}:${s.detail}`);

/**
 * javascript-obfuscator's shape, written by hand and inert (it only adds numbers): the string
 * array function that replaces itself, the rotation IIFE, the decoder, `_0x` names everywhere.
 */
const OBFUSCATED = `const _0x1f2e3d=_0x4a5b;(function(_0x2b3c4d,_0x5e6f70){const _0x718293=_0x4a5b,_0x3c4d5e=_0x2b3c4d();while(!![]){try{const _0x4d5e6f=parseInt(_0x718293(0x1a0))/0x1+-parseInt(_0x718293(0x1a1))/0x2;if(_0x4d5e6f===_0x5e6f70)break;else _0x3c4d5e['push'](_0x3c4d5e['shift']());}catch(_0x5f6071){_0x3c4d5e['push'](_0x3c4d5e['shift']());}}}(_0x9a8b,0x3039));function _0x4a5b(_0x8192a3,_0x92a3b4){const _0xa3b4c5=_0x9a8b();return _0x4a5b=function(_0xb4c5d6,_0xc5d6e7){_0xb4c5d6=_0xb4c5d6-0x1a0;let _0xd6e7f8=_0xa3b4c5[_0xb4c5d6];return _0xd6e7f8;},_0x4a5b(_0x8192a3,_0x92a3b4);}function _0x9a8b(){const _0xe7f809=['12345abc','67890def','\\x73\\x75\\x6d'];_0x9a8b=function(){return _0xe7f809;};return _0x9a8b();}console[_0x1f2e3d(0x1a2)](0x1+0x2);`;

const MINIFIED = ['formdata-polyfill-4.0.10.min.js', 'obug-2.2.1-browser.min.js', 'lru-cache-11.5.3-esm.min.js'];

describe('obfuscationSignals', () => {
  it("finds javascript-obfuscator's output: _0x names and the string-array decoder", () => {
    const signals = obfuscationSignals(OBFUSCATED);
    expect(signals.map((s) => s.detail)).toEqual(['_0x identifiers', 'string-array decoder']);
    expect(signals.every((s) => s.kind === 'obfuscated')).toBe(true);
    expect(OBFUSCATED.slice(signals[0]!.index)).toMatch(/^_0x1f2e3d/);
    expect(OBFUSCATED.slice(signals[1]!.index)).toMatch(/^function _0x9a8b\(\)/);
  });

  it('finds the string-array function alone, pretty-printed', () => {
    const text =
      'function _0x2d8f() {\n  var _0x1b2c = [\n    "a",\n    "b"\n  ];\n  _0x2d8f = function () {\n    return _0x1b2c;\n  };\n  return _0x2d8f();\n}\n';
    expect(details(text)).toEqual(['obfuscated:string-array decoder']);
    expect(obfuscationSignals(text)[0]!.index).toBe(0);
  });

  it('finds a long string array rotated with dotted push(shift())', () => {
    const words = Array.from({ length: 25 }, (_, i) => `'w${i}'`).join(',');
    expect(details(`var a=[${words}];(function(b,n){while(--n)b.push(b.shift())})(a,7);`)).toEqual(['obfuscated:string-array decoder']);
    // a queue rotated in plain code is not a string array
    expect(details('const q=[1,2,3];function next(){q.push(q.shift());return q[0]}')).toEqual([]);
    expect(details(`var a=[${words}];a.push(b.shift());`)).toEqual([]);
  });

  it('counts dense _0x names even when few are distinct, and not a handful', () => {
    expect(details('var _0xabcd=1;'.repeat(30))).toEqual(['obfuscated:_0x identifiers']);
    expect(details('var _0xabcd=1,_0xbcde=2;_0xabcd+_0xbcde;')).toEqual([]);
    expect(details(Array.from({ length: 20 }, (_, i) => `x_0x${1000 + i}`).join(';'))).toEqual([]);
  });

  it('finds heavy escapes of printable characters, not escaped Unicode tables', () => {
    const escaped = [...'require("child_process").exec("id")'].map((c) => `\\x${c.charCodeAt(0).toString(16)}`).join('');
    const text = `var s = "${escaped.repeat(20)}";`;
    const signals = obfuscationSignals(text);
    expect(signals.map((s) => s.detail)).toEqual(['heavy escapes']);
    expect(text.slice(signals[0]!.index)).toMatch(/^\\x72/);
    const table = Array.from({ length: 600 }, (_, i) => `\\u${(0x4e00 + i).toString(16)}`).join('');
    expect(details(`var cjk = /[${table}]/;`)).toEqual([]);
    expect(details(`var s = "${escaped}";`)).toEqual([]);
  });

  it('finds code pushed off-screen by a run of blanks', () => {
    const text = `module.exports = 1;${' '.repeat(300)}require('./x');\n`;
    const signals = obfuscationSignals(text);
    expect(signals.map((s) => s.detail)).toEqual(['padding']);
    expect(text.slice(signals[0]!.index)).toMatch(/^require/);
    expect(details(`a();\n${'\t'.repeat(150)}\n${' '.repeat(150)}b();${' '.repeat(500)}\n`)).toEqual([]);
  });

  it('reports a long high-entropy string as a blob, not as obfuscation', () => {
    const blob = randomBytes(400).toString('base64');
    const text = `const payload = '${blob}';\n`;
    expect(obfuscationSignals(text)).toEqual([{ kind: 'high-entropy', detail: 'base64-blob', index: text.indexOf(blob) }]);
    expect(details(`const logo = 'data:image/png;base64,${blob}';`)).toEqual([]);
  });

  it.each(MINIFIED)('finds nothing in ordinary minified code: %s', (file) => {
    const text = readFileSync(new URL(`../../data/minified/${file}`, import.meta.url), 'utf8');
    expect(text.length).toBeGreaterThan(1000);
    expect(obfuscationSignals(text)).toEqual([]);
  });

  it('finds nothing in plain code or an empty file', () => {
    expect(obfuscationSignals('')).toEqual([]);
    expect(obfuscationSignals('function add(e,t){return e+t}module.exports={add};\n'.repeat(500))).toEqual([]);
  });

  it('finishes on pathological 5 MB single lines', () => {
    const inputs = [
      'a'.repeat(5_000_000),
      'a.push('.repeat(700_000),
      '_0x'.repeat(1_600_000),
      'function _0xabcd(){var _0xbcde=['.repeat(150_000),
      "['a',".repeat(1_000_000),
      '\\x4'.repeat(1_600_000),
      ' '.repeat(5_000_000),
      'A1b2+/'.repeat(800_000),
      '['.repeat(5_000_000),
    ];
    for (const input of inputs) expect(obfuscationSignals(input).length).toBeLessThanOrEqual(5);
  });
});
