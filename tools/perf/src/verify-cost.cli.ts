import { createPublicKey, JsonWebKey, verify } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AccessTokens } from './access-tokens';
import { addKey, signingKeySetOf } from './signing-keys/signing-keys';

/*
 * What verifying one access token costs the gateway's CPU, which every /api/v1 request pays once
 * (AccessTokenGuard). Sequential verifications, timed by wall clock and by the process's CPU time:
 * first verifications of distinct tokens (jose: signature and claims), verifications of a token seen
 * before (AccessTokens remembers it, checking only exp and nbf), and the bare ECDSA P-256
 * verification node:crypto does underneath, so the first figure splits into the signature check and
 * jose's parsing and claim checks.
 *
 * usage: node -r ./tools/register.js apps/gateway/src/oauth/verify-cost.cli.ts [--count N]
 */

const WARM_UP = 2_000;

interface Cost {
  wallMicros: number;
  cpuMicros: number;
}

async function timePerCall(count: number, call: (i: number) => unknown): Promise<Cost> {
  for (let i = 0; i < WARM_UP; i += 1) await call(i);
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) await call(WARM_UP + i);
  const wallMicros = Number(process.hrtime.bigint() - wallBefore) / 1000 / count;
  const cpu = process.cpuUsage(cpuBefore);
  return { wallMicros, cpuMicros: (cpu.user + cpu.system) / count };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '20000' } } });
  const count = Number(values.count);
  if (!Number.isInteger(count) || count < 1) throw new Error('--count must be a positive integer');

  const keys = await signingKeySetOf(await addKey(undefined, 'verify-cost'));
  const tokens = new AccessTokens({ issuer: 'order-saga-gateway', audience: 'order-saga-api', ttlSeconds: 3600, keys });
  const { token } = await tokens.issue('bench-client', ['read', 'write']);

  const [header, payload, signature] = token.split('.');
  const publicKey = createPublicKey({ key: keys.jwks.keys[0] as JsonWebKey, format: 'jwk' });
  const signed = Buffer.from(`${header}.${payload}`);
  const signatureBytes = Buffer.from(signature, 'base64url');
  const bareVerify = (): boolean => verify('sha256', signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signatureBytes);
  if (!bareVerify()) throw new Error('node:crypto did not accept the token signature');

  // Distinct tokens, each verified once: what a token costs the first time the gateway sees it.
  const distinct: string[] = [];
  for (let i = 0; i < WARM_UP + count; i += 1) distinct.push((await tokens.issue(`bench-client-${i}`, ['read', 'write'])).token);
  const full = await timePerCall(count, (i) => tokens.verify(distinct[i]));
  const remembered = await timePerCall(count, () => tokens.verify(token));
  const bare = await timePerCall(count, bareVerify);
  const line = (name: string, cost: Cost): string =>
    `${name}: ${cost.wallMicros.toFixed(1)} µs wall, ${cost.cpuMicros.toFixed(1)} µs CPU per verification; ${(1e6 / cost.cpuMicros).toFixed(0)}/s per core\n`;
  process.stdout.write(`node ${process.version}, ${count} sequential verifications after ${WARM_UP} warm-up\n`);
  process.stdout.write(line('AccessTokens.verify, first time (jose jwtVerify, ES256, claim checks)', full));
  process.stdout.write(line('AccessTokens.verify, a token seen before (exp and nbf only)', remembered));
  process.stdout.write(line('node:crypto ECDSA P-256 verify alone', bare));
  for (const rate of [25, 45, 100, 300]) {
    process.stdout.write(`at ${rate} requests/s, every one with a new token: ${((rate * full.cpuMicros) / 1e4).toFixed(2)} % of one core\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
