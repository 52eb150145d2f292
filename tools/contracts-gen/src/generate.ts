import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { asyncApiDocument, asyncApiText } from './asyncapi';
import { schemaText } from './json-schema';
import { messageSchemas } from './message-schemas';
import { HTTP_RESPONSE_BODIES, httpSchemaFile, typeSchemas } from './type-schemas';

export const DOCS_DIR = join(__dirname, '..', '..', '..', 'docs');

/** Every generated file, by path relative to docs/, with its exact text. */
export function generatedFiles(): Record<string, string> {
  const { webhooks, http } = typeSchemas();
  const schemas = { ...messageSchemas(), ...webhooks, ...http };
  const files: Record<string, string> = { 'asyncapi.yaml': asyncApiText(asyncApiDocument()) };
  for (const [file, schema] of Object.entries(schemas)) files[`schemas/${file}`] = schemaText(schema);
  // Which generated schema describes each operation's success body, for tools such as the conformance suite.
  files['schemas/http-operations.json'] = schemaText(
    Object.fromEntries(Object.entries(HTTP_RESPONSE_BODIES).map(([operation, type]) => [operation, httpSchemaFile(type)])),
  );
  return files;
}

export interface Drift {
  changed: string[];
  missing: string[];
  /** Committed under docs/schemas but no longer generated. */
  stale: string[];
}

export function driftFrom(files: Record<string, string>, docsDir = DOCS_DIR): Drift {
  const drift: Drift = { changed: [], missing: [], stale: [] };
  for (const [file, text] of Object.entries(files)) {
    const path = join(docsDir, file);
    if (!existsSync(path)) drift.missing.push(file);
    else if (readFileSync(path, 'utf8') !== text) drift.changed.push(file);
  }
  for (const file of listFiles(join(docsDir, 'schemas')).map((path) => relative(docsDir, path))) {
    if (!(file in files)) drift.stale.push(file);
  }
  return drift;
}

export function writeFiles(files: Record<string, string>, docsDir = DOCS_DIR): void {
  const drift = driftFrom(files, docsDir);
  for (const file of drift.stale) rmSync(join(docsDir, file));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(docsDir, file)), { recursive: true });
    writeFileSync(join(docsDir, file), text);
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)]));
}
