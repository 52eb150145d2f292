export type { JsonSchema } from '@order-saga/contracts';

/** Where the published schemas claim to live; only an identifier, nothing is fetched from it. */
export const SCHEMA_BASE_URL = 'https://order-saga.dev/schemas';

export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[._\s]+/g, '-')
    .toLowerCase();
}

/** Stable text: keys in insertion order (the generators are deterministic), two-space indent, final newline. */
export function schemaText(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
