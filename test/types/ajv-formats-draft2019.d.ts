declare module 'ajv-formats-draft2019' {
  import type { default as Ajv } from 'ajv';
  /** Adds the draft 2019-09 formats (idn-email, idn-hostname, iri, iri-reference, duration) to an Ajv instance. */
  export default function addFormats(ajv: Ajv.default, formats?: readonly string[]): Ajv.default;
}
