import { AllocationProfileNode, allocations, totalAllocated } from './allocation-summary';

const frame = (functionName: string, url: string, selfSize: number, children: AllocationProfileNode[] = []): AllocationProfileNode => ({
  callFrame: { functionName, url, lineNumber: 9 },
  selfSize,
  children,
});

// root → pino-http's middleware (100) → pino's write (300) → the redactor (600); root → kafkajs' encoder (1000)
const profile = frame('(root)', '', 0, [
  frame('loggingMiddleware', '/w/node_modules/pino-http/logger.js', 100, [
    frame('write', '/w/node_modules/pino/lib/proto.js', 300, [frame('redact', '/w/node_modules/@pinojs/redact/index.js', 600)]),
  ]),
  frame('writeVarInt', '/w/node_modules/kafkajs/src/protocol/encoder.js', 1000),
]);

describe('allocation profile summary', () => {
  it('sums the sampled bytes of every frame', () => {
    expect(totalAllocated(profile)).toBe(2000);
  });

  it('files each frame’s own bytes under its package, largest first', () => {
    expect(allocations(profile)).toEqual([
      { key: 'kafkajs', bytes: 1000, share: 0.5 },
      { key: '@pinojs/redact', bytes: 600, share: 0.3 },
      { key: 'pino', bytes: 300, share: 0.15 },
      { key: 'pino-http', bytes: 100, share: 0.05 },
    ]);
  });

  it('counts a frame’s bytes for every package on its stack when asked for inclusive figures', () => {
    const inclusive = Object.fromEntries(allocations(profile, 'inclusive').map((row) => [row.key, row.bytes]));

    expect(inclusive).toEqual({ '((root))': 2000, 'pino-http': 1000, pino: 900, '@pinojs/redact': 600, kafkajs: 1000 });
  });

  it('names functions with their package and line', () => {
    expect(allocations(profile, 'function')[0]).toEqual({ key: 'writeVarInt kafkajs:10', bytes: 1000, share: 0.5 });
  });
});
