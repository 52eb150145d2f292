import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { consoleAssets } from './serve-console';

/** The console's files served by the gateway's router, on a real HTTP server, from a build folder made here. */
describe('serving the operator console at /console/', () => {
  let built: string;
  let servers: Server[] = [];

  beforeAll(() => {
    built = mkdtempSync(join(tmpdir(), 'console-build-'));
    mkdirSync(join(built, 'assets'));
    writeFileSync(join(built, 'index.html'), '<!doctype html><title>console</title><script type="module" src="/console/assets/index-abc123.js"></script>');
    writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.info("console");');
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    servers = [];
    rmSync(built, { recursive: true, force: true });
  });

  async function serve(directory: string): Promise<string> {
    const app = express();
    app.use(consoleAssets(directory).router);
    app.use((_request, response) => response.status(404).json({ error_code: 'NOT_FOUND' }));
    const server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('answers /console/ with index.html, revalidated on every load, under a policy that allows only its own scripts and this origin', async () => {
    const response = await fetch(`${await serve(built)}/console/`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('/console/assets/index-abc123.js');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const policy = response.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers the console’s own routes (no file extension) with index.html, so a reload or a shared link opens the page', async () => {
    const base = await serve(built);
    for (const path of ['/console/sagas', '/console/sagas/ORD-12345678', '/console/audit']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('<title>console</title>');
    }
  });

  it('serves hashed assets cached for a year, and a missing asset is a 404, not the page', async () => {
    const base = await serve(built);
    const asset = await fetch(`${base}/console/assets/index-abc123.js`);
    const missing = await fetch(`${base}/console/assets/index-old999.js`);

    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ error_code: 'NOT_FOUND' });
  });

  it('moves /console to /console/ keeping the query, and leaves other paths to the API', async () => {
    const base = await serve(built);
    const bare = await fetch(`${base}/console?state=stuck`, { redirect: 'manual' });
    const api = await fetch(`${base}/api/v1/orders`);

    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('/console/?state=stuck');
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error_code: 'NOT_FOUND' });
  });

  it('says how to build the console when its folder has no build', async () => {
    const response = await fetch(`${await serve(join(built, 'not-built'))}/console/`);

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('npx nx run console:build');
  });
});
