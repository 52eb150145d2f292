import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

  it("runs the services with the image's NODE_OPTIONS, as the Dockerfile sets them", () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    expect(/^\s*NODE_OPTIONS="?([^"\\\n]+?)"?\s*\\?$/m.exec(dockerfile)?.[1]).toBe(IMAGE_NODE_OPTIONS);
  });

  it("gives node every flag the image's CMD and NODE_OPTIONS give it, and no other", () => {
    const dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8');
    const command = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(command[0]).toBe('node');
    expect(command.at(-1)).toBe('dist/apps/service/src/main.js');
    const imageFlags = [...command.slice(1, -1), ...IMAGE_NODE_OPTIONS.split(' ').filter((option) => !option.startsWith('--max-old-space-size'))];
    expect([...new Set(imageFlags)].sort()).toEqual([...SERVICE_NODE_FLAGS].sort());
  });

  it("reads how a checkout's image runs node from its Dockerfile, so an A/B runs each commit with its own settings", () => {
    expect(imageNodeSettings(REPO_ROOT)).toEqual({
      nodeOptions: IMAGE_NODE_OPTIONS,
      nodeFlags: SERVICE_NODE_FLAGS.filter((flag) => !IMAGE_NODE_OPTIONS.includes(flag)),
    });
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
