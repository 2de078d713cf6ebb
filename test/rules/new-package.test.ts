import { describe, expect, it } from 'vitest';
import { newPackage } from '../../src/rules/new-package.js';
import { added, context, person, releases, stripped } from '../helpers/rules.js';

describe('new-package', () => {
  it('is medium for a package first published days ago', () => {
    const spec = { name: 'fresh', versions: [{ version: '0.1.0', time: '2026-11-18T00:00:00Z', publisher: person('x'), maintainers: [person('x')] }] };
    const out = newPackage.check(context(added('fresh', '0.1.0'), spec));
    expect(out.findings[0]).toMatchObject({ severity: 'medium', traits: ['package:young'], evidence: { ageDays: 3, versionCount: 1, direct: false } });
    expect(out.findings[0]!.message).toContain('brought in by parent');
  });

  it('is low for a months-old package with one or two versions', () => {
    const spec = { name: 'thin', versions: releases(2, '2026-05-01T00:00:00Z', 10, 'x') };
    expect(newPackage.check(context(added('thin', '1.0.1'), spec)).findings[0]).toMatchObject({ severity: 'low', traits: ['package:sparse-history'] });
  });

  it('is info for a long-established library', () => {
    const spec = { name: 'old', versions: releases(30, '2012-01-01T00:00:00Z', 100, 'x') };
    expect(newPackage.check(context(added('old', '1.0.29'), spec)).findings[0]).toMatchObject({ severity: 'info', traits: [] });
  });

  it('reports the package but not its age when the registry has no trustworthy times', () => {
    const spec = stripped({ name: 'fresh', versions: [{ version: '0.1.0', time: '2026-11-18T00:00:00Z' }] });
    const out = newPackage.check(context(added('fresh', '0.1.0'), spec));
    expect(out.findings[0]).toMatchObject({ evidence: { ageDays: null } });
    expect(out.findings[0]!.traits).not.toContain('package:young');
    expect(out.unchecked).toMatch(/publish times/);
  });
});
