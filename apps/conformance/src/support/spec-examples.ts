import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const INTEGRATION_SPEC = join(__dirname, '..', '..', '..', '..', 'docs', 'integration-spec.md');

export interface FencedBlock {
  language: string;
  /** What follows the language on the fence line, e.g. `request POST /api/v1/orders`. */
  info: string;
  text: string;
  line: number;
}

export function fencedBlocks(markdown = readFileSync(INTEGRATION_SPEC, 'utf8')): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^```(\w+)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i += 1; i < lines.length && !/^```\s*$/.test(lines[i]); i += 1) body.push(lines[i]);
    blocks.push({ language: open[1], info: open[2].trim(), text: body.join('\n'), line: start + 1 });
  }
  return blocks;
}

/** Blocks marked ```json request <METHOD> <path>: examples the API must accept as they stand. */
export function requestExamples(blocks = fencedBlocks()): { method: string; path: string; body: unknown; line: number }[] {
  return blocks
    .filter((block) => block.language === 'json' && block.info.startsWith('request '))
    .map((block) => {
      const [, method, path] = block.info.split(/\s+/);
      return { method, path, body: JSON.parse(block.text), line: block.line };
    });
}
