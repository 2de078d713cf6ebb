import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import addDraft2019Formats from 'ajv-formats-draft2019';
import { ROOT } from './cli.js';

const schema = (file: string): { $id: string } & Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(ROOT, 'test', 'data', file), 'utf8')) as { $id: string };

/**
 * The official CycloneDX 1.6 JSON schema (test/data), with the two it references, compiled by
 * ajv with every format it uses checked: an unknown format or keyword would fail the compile
 * (strictSchema), not pass unchecked. Only the schema's own `meta:enum` annotations are declared.
 */
function compile() {
  const ajv = new Ajv.default({ allErrors: true, strictSchema: true, strictRequired: false, strictTypes: false, strictTuples: false });
  addFormats.default(ajv);
  addDraft2019Formats(ajv);
  ajv.addKeyword('meta:enum');
  ajv.addSchema(schema('spdx.schema.json'));
  ajv.addSchema(schema('jsf-0.82.schema.json'));
  return ajv.compile(schema('bom-1.6.schema.json'));
}

let validate: ReturnType<typeof compile> | undefined;

/** The schema's complaints about a parsed BOM; empty when it is valid. */
export function cycloneDxErrors(bom: unknown): string[] {
  validate ??= compile();
  if (validate(bom)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}
