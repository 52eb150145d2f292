import { bucketOf, selfTimes } from './profile-summary';

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
});
