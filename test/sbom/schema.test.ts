import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { cycloneDxErrors } from '../helpers/cyclonedx.js';

/** A small BOM as depguard writes one. */
const good = () => ({
  $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
  bomFormat: 'CycloneDX',
  specVersion: '1.6',
  serialNumber: 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79',
  version: 1,
  metadata: {
    timestamp: '2018-11-26T00:00:00.000Z',
    component: { type: 'application', name: 'wallet-app', version: '1.0.0', 'bom-ref': 'wallet-app@1.0.0' },
  },
  components: [
    {
      type: 'library',
      name: 'flatmap-stream',
      version: '0.1.1',
      'bom-ref': 'flatmap-stream@0.1.1',
      scope: 'required',
      hashes: [{ alg: 'SHA-1', content: '6926d1b194fbc737b8eed513756de2fcda7ea408' }],
      purl: 'pkg:npm/flatmap-stream@0.1.1',
      properties: [{ name: 'cdx:npm:package:path', value: 'node_modules/flatmap-stream' }],
    },
  ],
  dependencies: [{ ref: 'wallet-app@1.0.0', dependsOn: ['flatmap-stream@0.1.1'] }, { ref: 'flatmap-stream@0.1.1' }],
});

describe('the CycloneDX 1.6 schema in test/data', () => {
  it('is the official one: bom-1.6 with the spdx and jsf schemas it references, as the specification publishes them', () => {
    const bom = JSON.parse(readFileSync(path.join(ROOT, 'test', 'data', 'bom-1.6.schema.json'), 'utf8'));
    expect(bom.$id).toBe('http://cyclonedx.org/schema/bom-1.6.schema.json');
    expect(bom.properties.specVersion.examples).toContain('1.6');
  });

  it('accepts a valid BOM', () => {
    expect(cycloneDxErrors(good())).toEqual([]);
  });

  it.each([
    ['a hash algorithm the spec does not know', (b: ReturnType<typeof good>) => (b.components[0]!.hashes[0]!.alg = 'SHA-999')],
    ['a SHA-1 of the wrong length', (b: ReturnType<typeof good>) => (b.components[0]!.hashes[0]!.content = 'abc')],
    ['a scope the spec does not know', (b: ReturnType<typeof good>) => (b.components[0]!.scope = 'dev')],
    ['a serial number that is not a UUID URN', (b: ReturnType<typeof good>) => (b.serialNumber = 'urn:uuid:not-one')],
    ['a timestamp that is not a date-time (formats are checked)', (b: ReturnType<typeof good>) => (b.metadata.timestamp = 'yesterday')],
    ['a component without a name', (b: ReturnType<typeof good>) => delete (b.components[0] as { name?: string }).name],
    ['another bomFormat', (b: ReturnType<typeof good>) => (b.bomFormat = 'SPDX')],
    ['a field the spec does not have', (b: ReturnType<typeof good>) => Object.assign(b.components[0]!, { publisher_name: 'x' })],
  ])('rejects a BOM with %s', (_, breakIt) => {
    const bom = good();
    breakIt(bom);
    expect(cycloneDxErrors(bom)).not.toEqual([]);
  });
});
