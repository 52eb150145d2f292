export type JsonSchema = Record<string, unknown>;

/** Where the published schemas claim to live; only an identifier, nothing is fetched from it. */
export const SCHEMA_BASE_URL = 'https://order-saga.dev/schemas';

export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/[._\s]+/g, '-')
    .toLowerCase();
}

/** `root` with a `definitions` section holding exactly the definitions it reaches through `#/definitions/…`. */
export function withReferencedDefinitions(root: JsonSchema, pool: Record<string, JsonSchema>): JsonSchema {
  const needed = new Map<string, JsonSchema>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#/definitions/')) {
        const name = decodeURIComponent(value.slice('#/definitions/'.length));
        if (!needed.has(name)) {
          const definition = pool[name];
          if (!definition) throw new Error(`schema refers to unknown definition ${name}`);
          needed.set(name, definition);
          visit(definition);
        }
      } else {
        visit(value);
      }
    }
  };
  visit(root);
  const { definitions: _unused, ...rest } = root;
  void _unused;
  if (needed.size === 0) return rest;
  return { ...rest, definitions: Object.fromEntries([...needed.entries()].sort(([a], [b]) => a.localeCompare(b))) };
}

/** Stable text: keys in insertion order (the generators are deterministic), two-space indent, final newline. */
export function schemaText(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
