import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_CODES, HTTP_STATUS_BY_CODE } from '@order-saga/shared/http';
import { parse } from 'yaml';

/** docs/integration-spec.md: every JSON/YAML example parses; the request examples are sent by apps/conformance. */
const markdown = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'integration-spec.md'), 'utf8');
const blocks = [...markdown.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)^```\s*$/gm)].map(([, language, info, text]) => ({ language, info: info.trim(), text }));

describe('docs/integration-spec.md', () => {
  it('has the seed template sections, in order', () => {
    const headings = [...markdown.matchAll(/^## (\d+)\. (.+)$/gm)].map(([, number, title]) => `${number}. ${title}`);

    expect(headings.slice(0, 7)).toEqual([
      '1. Overview',
      '2. Authentication & Authorization',
      '3. Endpoints',
      '4. Data Models',
      '5. Error Handling',
      '6. Rate Limiting',
      '7. Sequence Diagrams',
    ]);
    expect(headings).toEqual(
      expect.arrayContaining([
        '8. Webhooks',
        '9. Testing',
        '10. Environments and SLA',
        '11. Versioning and change notification',
        '12. Rollback procedures',
        '13. Support',
      ]),
    );
  });

  it('parses every fenced JSON block', () => {
    const json = blocks.filter((block) => block.language === 'json');

    expect(json.length).toBeGreaterThanOrEqual(8);
    for (const block of json) expect(() => JSON.parse(block.text)).not.toThrow();
  });

  it('parses every fenced YAML block to a mapping', () => {
    const yaml = blocks.filter((block) => block.language === 'yaml');

    expect(yaml.length).toBeGreaterThanOrEqual(6);
    for (const block of yaml) expect(typeof parse(block.text)).toBe('object');
  });

  it('draws the architecture and the five flows as mermaid diagrams', () => {
    const mermaid = blocks.filter((block) => block.language === 'mermaid').map((block) => block.text);

    expect(mermaid.filter((text) => text.startsWith('flowchart'))).toHaveLength(1);
    expect(mermaid.filter((text) => text.startsWith('sequenceDiagram'))).toHaveLength(5);
  });

  it('lists every error code the API can answer with, with its HTTP status', () => {
    const block = blocks.find((candidate) => candidate.language === 'yaml' && candidate.text.startsWith('error_codes:'));
    const errorCodes = parse(block?.text ?? 'error_codes: {}').error_codes as Record<string, { http_status: number }>;

    expect(Object.keys(errorCodes).sort()).toEqual([...ERROR_CODES].sort());
    for (const code of ERROR_CODES) expect({ code, status: errorCodes[code].http_status }).toEqual({ code, status: HTTP_STATUS_BY_CODE[code] });
  });
});
