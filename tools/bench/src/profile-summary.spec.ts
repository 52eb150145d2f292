import { bucketOf, inclusiveTimes, selfTimes } from './profile-summary';

describe('cpu profile summary', () => {
  it('files frames under their npm package, our project folder, node internals or V8', () => {
    expect(bucketOf('file:///w/node_modules/@nestjs/core/router.js', 'handle')).toBe('@nestjs/core');
    expect(bucketOf('file:///w/node_modules/pino/lib/tools.js', 'asJson')).toBe('pino');
    expect(bucketOf('/w/libs/shared/messaging/src/outbox-relay.ts', 'publishBatch')).toBe('libs/shared/messaging');
    expect(bucketOf('/w/apps/order-service/src/main.ts', 'x')).toBe('apps/order-service');
    expect(bucketOf('node:internal/streams/writable', 'write')).toBe('node:internal/streams/writable');
    expect(bucketOf('', '(garbage collector)')).toBe('((garbage collector))');
  });

  it('attributes each sample interval to the sampled frame and sorts by self time', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 } },
        { id: 2, callFrame: { functionName: 'asJson', url: '/w/node_modules/pino/lib/tools.js', lineNumber: 9 } },
        { id: 3, callFrame: { functionName: 'query', url: '/w/node_modules/pg/lib/client.js', lineNumber: 99 } },
      ],
      samples: [2, 3, 2, 2],
      timeDeltas: [1000, 2000, 3000, 4000],
    };

    const buckets = selfTimes(profile);
    const functions = selfTimes(profile, 'function');

    expect(buckets).toEqual([
      { key: 'pino', ms: 8, share: 0.8 },
      { key: 'pg', ms: 2, share: 0.2 },
    ]);
    expect(functions[0].key).toBe('asJson pino:10');
  });

  it('counts a sample once for every package on its stack when asked for inclusive time', () => {
    const profile = {
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2] },
        { id: 2, callFrame: { functionName: 'handle', url: '/w/apps/order-service/src/a.ts', lineNumber: 1 }, children: [3, 4] },
        { id: 3, callFrame: { functionName: 'query', url: '/w/node_modules/typeorm/q.js', lineNumber: 1 }, children: [5] },
        { id: 4, callFrame: { functionName: 'info', url: '/w/node_modules/pino/p.js', lineNumber: 1 } },
        { id: 5, callFrame: { functionName: 'send', url: '/w/node_modules/pg/c.js', lineNumber: 1 } },
      ],
      samples: [5, 4, 3, 5],
      timeDeltas: [1000, 1000, 1000, 1000],
    };

    const shares = Object.fromEntries(inclusiveTimes(profile).map((row) => [row.key, row.share]));

    expect(shares['apps/order-service']).toBe(1);
    expect(shares.typeorm).toBe(0.75);
    expect(shares.pg).toBe(0.5);
    expect(shares.pino).toBe(0.25);
  });
});
