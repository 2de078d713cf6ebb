import { describe, expect, it } from 'vitest';
import { forHtml, forMarkdown, forWorkflowData, forWorkflowProperty } from '../../src/report/sanitize.js';

const ZWJ = '\u200d';
/** Markdown characters that open a construct: in safe output each is preceded by a backslash. */
const unescaped = (s: string): string[] => [...s.matchAll(/(?<!\\)[[\]()`*_|!]/g)].map((m) => m[0]);

describe('forMarkdown', () => {
  it('turns HTML into text', () => {
    const out = forMarkdown('<img src=x onerror=alert(1)>');
    expect(out).not.toMatch(/[<>]/);
    expect(out).toBe('&lt;img src=x onerror=alert\\(1\\)&gt;');
  });

  it('never lets a link or image render', () => {
    for (const hostile of [
      '[click](javascript:alert(1))',
      '![x](https://evil.example/x.png)',
      '[a]: javascript:alert(1)',
      '<javascript:alert(1)>',
    ]) {
      const out = forMarkdown(hostile);
      expect(unescaped(out), hostile).toEqual([]);
      expect(out).not.toContain('](');
      expect(out).not.toContain('<');
    }
  });

  it('neutralises @mentions and #references', () => {
    expect(forMarkdown('@octocat')).toBe(`@${ZWJ}octocat`);
    expect(forMarkdown('ping @github/security-team, see #123')).toBe(`ping @${ZWJ}github/security\\-team, see \\#${ZWJ}123`);
    expect(forMarkdown('a@b.example')).toBe(`a@${ZWJ}b\\.example`);
  });

  it('strips control characters and ANSI escapes, and keeps to one line', () => {
    const out = forMarkdown('red\u001b[31mALERT\u001b[0m\nnext line\r\n\tand \u202eevil\u0007');
    expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
    expect(out).toBe('red\\[31mALERT\\[0m next line   and evil');
  });

  it('keeps a table cell a table cell', () => {
    const out = forMarkdown('a | b || c');
    expect(out).toBe('a \\| b \\|\\| c');
    expect(unescaped(out)).toEqual([]);
  });

  it('escapes entities, emphasis, code and math, and leaves plain text alone', () => {
    expect(forMarkdown('&lt;b&gt; **bold** `code` $x$ ~~s~~')).toBe('&amp;lt;b&amp;gt; \\*\\*bold\\*\\* \\`code\\` \\$x\\$ \\~\\~s\\~\\~');
    expect(forMarkdown('published by right9ctrl')).toBe('published by right9ctrl');
  });

  it('cuts long text before escaping', () => {
    const out = forMarkdown(`${'('.repeat(600)}`, 10);
    expect(out).toBe(`${'\\('.repeat(10)}… \\(590 more characters\\)`);
  });
});

describe('forHtml (inside <summary>, where Markdown is not parsed)', () => {
  it('uses entities only, so nothing renders and no backslash shows', () => {
    expect(forHtml('<img src=x onerror=alert(1)> & "q" \'s\' event-stream')).toBe(
      '&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;s&#39; event-stream',
    );
    expect(forHtml('@octocat #1\n</summary>')).toBe(`@${ZWJ}octocat #${ZWJ}1 &lt;/summary&gt;`);
  });
});

describe('workflow command escaping', () => {
  it('encodes what the runner decodes, so no second command can start', () => {
    const message = 'bad\n::set-output name=x::y and %0A::error::injected\r\n';
    const data = forWorkflowData(message);
    expect(data).not.toMatch(/[\r\n]/);
    expect(data).toBe('bad%0A::set-output name=x::y and %250A::error::injected%0D%0A');
    expect(decodeData(data)).toBe(message);
  });

  it('also encodes : and , in properties', () => {
    expect(forWorkflowProperty('a,b::c%\n')).toBe('a%2Cb%3A%3Ac%25%0A');
  });

  it('drops other control characters', () => {
    expect(forWorkflowData('\u001b[31mred\u0000')).toBe('[31mred');
  });
});

/** What the Actions runner does to a command's data. */
function decodeData(s: string): string {
  return s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
}
