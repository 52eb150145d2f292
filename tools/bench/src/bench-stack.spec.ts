import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IMAGE_NODE_OPTIONS, imageNodeSettings, REPO_ROOT, SERVICE_NODE_FLAGS } from '@order-saga/infra';
import { UNTHROTTLED_GATEWAY_LIMITS } from '@order-saga/shared/testing';
import { benchDatabasePrefix } from './bench-stack';

describe('bench stack settings', () => {
  it('names the smoke databases after the engineer test prefix, so parallel npm test runs do not reset each other', () => {
    expect(benchDatabasePrefix({ mode: 'smoke' }, { ORDER_SAGA_TEST_DB_PREFIX: 'alice_test' })).toBe('alice_test_bench');
    expect(benchDatabasePrefix({ mode: 'smoke' }, {})).toBe('order_saga_test_bench');
    expect(benchDatabasePrefix({ mode: 'full' }, { ORDER_SAGA_TEST_DB_PREFIX: 'alice_test' })).toBe('order_saga_bench');
    expect(benchDatabasePrefix({ mode: 'full' }, { ORDER_SAGA_BENCH_DB_PREFIX: 'bob_bench' })).toBe('bob_bench');
  });

  it('raises every gateway rate limit far above the highest offered rate (300/s = 18 000/min)', () => {
    for (const value of Object.values(UNTHROTTLED_GATEWAY_LIMITS)) {
      expect(Number(value)).toBeGreaterThan(300 * 60 * 100);
    }
  });

  it("runs the services as the image does: the Dockerfile's NODE_OPTIONS and CMD flags are this checkout's settings", () => {
    const image = imageNodeSettings(REPO_ROOT);
    expect(image.nodeOptions).toBe(IMAGE_NODE_OPTIONS);
    // Between them, the image's NODE_OPTIONS (but its heap cap) and its CMD give node what the launcher gives it.
    const flags = [...image.nodeFlags, ...image.nodeOptions.split(' ').filter((option) => !option.startsWith('--max-old-space-size'))];
    expect([...new Set(flags)].sort()).toEqual([...SERVICE_NODE_FLAGS].sort());
  });

  it("reads how another checkout's image runs node from its Dockerfile, so an A/B runs each commit with its own settings", () => {
    const older = mkdtempSync(join(tmpdir(), 'older-checkout-'));
    try {
      writeFileSync(
        join(older, 'Dockerfile'),
        'FROM node:22-slim\nENV NODE_OPTIONS="--max-old-space-size=96"\nCMD ["node", "dist/apps/service/src/main.js"]\n',
      );
      expect(imageNodeSettings(older)).toEqual({ nodeOptions: '--max-old-space-size=96', nodeFlags: [] });
      rmSync(join(older, 'Dockerfile'));
      expect(imageNodeSettings(older)).toEqual({ nodeOptions: '', nodeFlags: [] });
    } finally {
      rmSync(older, { recursive: true, force: true });
    }
  });
});
