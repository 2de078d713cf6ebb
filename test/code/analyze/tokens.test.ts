// The token scan, forced with parseLimit 0 (what files over the parse limit and unreadable files get).
import { describe, expect, it } from 'vitest';
import { analyze, find } from './helpers.js';

const scan = (source: string) => analyze(source, 'big.js', { parseLimit: 0 });
const scanIds = (source: string) => scan(source).capabilities.map((c) => `${c.kind}:${c.detail}`);

describe('token scan', () => {
  it('recognises the identifier patterns', () => {
    expect(
      scanIds(`var c=require("child_process"),h=require('node:https');eval(x);new Function(b);m._compile(s);
fetch(u);var x=new XMLHttpRequest;var t=process.env.NPM_TOKEN,g=process.env["GITHUB_TOKEN"];send(JSON.stringify(process.env));`),
    ).toEqual([
      'process:child_process',
      'network:https',
      'dynamic-code:eval',
      'dynamic-code:Function',
      'dynamic-code:_compile',
      'network:fetch',
      'network:XMLHttpRequest',
      'token-read:NPM_TOKEN',
      'token-read:GITHUB_TOKEN',
      'env-dump:process.env',
    ]);
    expect(scanIds('window.fetch=f;XMLHttpRequest.prototype.send=g;window.ethereum.request=h;')).toEqual([
      'browser-hook:fetch',
      'network:XMLHttpRequest',
      'browser-hook:XMLHttpRequest.prototype.send',
      'browser-hook:ethereum.request',
    ]);
  });

  it('ignores look-alikes, comments and regex bodies', () => {
    const source = `// eval(x) require("child_process")
/* fetch(u) */ var r = /eval\\(|"child_process"/g, o = { eval: 1 }; o.eval(x); a.fetch(b); function fetch() {}
var e = process.env.NODE_ENV; if (a == fetch) b(); var n = a / b / c;`;
    expect(scanIds(source)).toEqual([]);
  });

  it('classifies strings and template pieces, escapes decoded, at their lines', () => {
    const analysis = scan("var a = 1;\nvar s = '\\x63url https://x.invalid/p';\nvar t = `a${`b ${c}`}\nwget ${d} https://y.invalid`;");
    expect(find(analysis, 'shell-command', 'curl')?.line).toBe(2);
    expect(find(analysis, 'host')?.line).toBe(2);
    expect(find(analysis, 'shell-command', 'wget')?.line).toBe(3);
  });

  it('survives unterminated strings, templates, comments and regexes', () => {
    for (const source of ["var s = 'abc", 'var t = `abc ${', 'x = /* never closed', 'x = /[abc', 'x = `${`${`${']) {
      expect(scan(source).reader, source).toBe('tokens');
    }
  });

  it('is linear on a few MB of one line full of quotes, slashes and backticks', () => {
    const line = '=/[/'.repeat(500_000) + '\'"`${'.repeat(200_000);
    const start = performance.now();
    expect(scan(line).reader).toBe('tokens');
    expect(performance.now() - start).toBeLessThan(5_000);
  });
});
