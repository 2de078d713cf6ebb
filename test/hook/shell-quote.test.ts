import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { shellQuote, shellWords } from '../../src/hook/shell-quote.js';

/** What sh makes of a command line: its words, as the program receives them. */
function wordsSeenBySh(commandLine: string): string[] {
  const out = execFileSync('sh', ['-c', `printf '%s\\0' ${commandLine}`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

describe('shellQuote', () => {
  it('leaves plain words alone', () => {
    expect(shellWords(['--fail-on', 'critical', '/usr/bin/node', 'a=b@1.2.3'])).toBe('--fail-on critical /usr/bin/node a=b@1.2.3');
  });

  it('quotes everything else so that sh reads back the same words', () => {
    const words = ["it's", 'two words', '', '$HOME', '`id`', 'a"b', 'back\\slash', '*', '~', 'semi;colon', 'new\nline', '-'];
    expect(words.map(shellQuote).filter((w, i) => w === words[i])).toEqual(['-']);
    expect(wordsSeenBySh(shellWords(words))).toEqual(words);
  });
});
