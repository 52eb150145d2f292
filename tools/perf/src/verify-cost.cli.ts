import { createPublicKey, JsonWebKey, verify } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import {
  clockTicksPerSecond,
  cpuTimeIn,
  describeRuntime,
  expectAllCreated,
  placeOrders,
  positiveInteger,
  Round,
  startGatewayUnderTest,
} from './gateway-under-test';
import { cpuMicrosPerCall } from './cpu-per-call';

/*
 * What verifying one access token costs the gateway's CPU, which every /api/v1 request pays
 * (AccessTokenGuard): in full the first time the gateway sees a token (jose: ES256 signature, then the
 * claims), then only exp and nbf, since the gateway remembers the tokens it verified. Measured on the
 * gateway process as clients meet it (gateway-under-test.ts): rounds of proxied orders that all carry one
 * remembered token, alternating with rounds whose every request carries a token the gateway issued but
 * has never seen; the difference in gateway CPU per request is a first verification's cost. Alternating
 * spreads a drift of the machine's load over both kinds. Beside it, the bare ECDSA P-256 verification
 * node:crypto does underneath, timed in this process with the key the gateway publishes (JWKS), so the
 * first figure splits into the signature check and the rest (jose's parsing and claim checks).
 *
 * The tokens are issued before the rounds, through POST /oauth/token: an scrypt check of tens of ms each,
 * not counted.
 *
 * usage (from the repository root):
 *   npx nx run perf:verify-cost -- [--count 400] [--rounds 2] [--concurrency 4] [--dist-dir DIR] [--log-level info]
 */

const WARM_UP = 300;
const WARM_UP_NEW_TOKENS = 100;
const BARE_VERIFICATIONS = 20_000;

interface Options {
  count: number;
  rounds: number;
  concurrency: number;
  distDir?: string;
  logLevel: string;
}

function optionsOf(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '400' },
      rounds: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '4' },
      'dist-dir': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
    },
  });
  return {
    count: positiveInteger('count', values.count),
    rounds: positiveInteger('rounds', values.rounds),
    concurrency: positiveInteger('concurrency', values.concurrency),
    distDir: values['dist-dir'],
    logLevel: values['log-level'],
  };
}

/** Gateway CPU (µs) per request of one round. */
async function measured(pid: number, run: () => Promise<Round>, count: number): Promise<{ cpuMicros: number; round: Round }> {
  const before = cpuTimeIn(`/proc/${pid}/stat`);
  const round = await run();
  const after = cpuTimeIn(`/proc/${pid}/stat`);
  return { cpuMicros: ((after.userMs + after.systemMs - before.userMs - before.systemMs) * 1000) / count, round };
}

const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;

async function main(): Promise<void> {
  const options = optionsOf(process.argv.slice(2));
  const gateway = await startGatewayUnderTest({ name: 'verify-cost', ...options, maxInFlight: options.concurrency });
  const pool = new Pool(gateway.url, { connections: options.concurrency });
  let failed = true;
  try {
    const token = await gateway.token();
    const remembered = () => token;
    const fresh = await gateway.freshTokens(WARM_UP_NEW_TOKENS + options.rounds * options.count);
    let nextFresh = 0;
    const newTokenRound = async (count: number): Promise<Round> => {
      const first = nextFresh;
      nextFresh += count;
      return placeOrders(pool, (index) => fresh[first + index], count, options);
    };
    const rounds: Round[] = [await placeOrders(pool, remembered, WARM_UP, options), await newTokenRound(WARM_UP_NEW_TOKENS)];
    const rememberedCosts: number[] = [];
    const newTokenCosts: number[] = [];
    for (let i = 0; i < options.rounds; i += 1) {
      const same = await measured(gateway.pid, () => placeOrders(pool, remembered, options.count, options), options.count);
      const renewed = await measured(gateway.pid, () => newTokenRound(options.count), options.count);
      rounds.push(same.round, renewed.round);
      rememberedCosts.push(same.cpuMicros);
      newTokenCosts.push(renewed.cpuMicros);
    }
    expectAllCreated(rounds, gateway.logFile);

    const jwks = (await (await fetch(`${gateway.url}/.well-known/jwks.json`)).json()) as { keys: JsonWebKey[] };
    const [header, payload, signature] = token.split('.');
    const publicKey = createPublicKey({ key: jwks.keys[0], format: 'jwk' });
    const signed = Buffer.from(`${header}.${payload}`);
    const signatureBytes = Buffer.from(signature, 'base64url');
    const bareVerify = (): boolean => verify('sha256', signed, { key: publicKey, dsaEncoding: 'ieee-p1363' }, signatureBytes);
    if (!bareVerify()) throw new Error("node:crypto did not accept the token's signature with the gateway's published key");
    const bare = cpuMicrosPerCall(BARE_VERIFICATIONS, bareVerify);

    const firstVerification = mean(newTokenCosts) - mean(rememberedCosts);
    // What the rounds cannot tell apart: their own spread, and /proc's CPU clock tick spread over a round.
    const spread = (costs: number[]) => Math.max(...costs) - Math.min(...costs);
    const resolution = Math.max(spread(rememberedCosts), spread(newTokenCosts), 1e6 / clockTicksPerSecond() / options.count);
    const resolved = firstVerification > resolution;
    const list = (costs: number[]) => costs.map((cost) => cost.toFixed(0)).join(', ');
    process.stdout.write(
      [
        `gateway ${describeRuntime(options)}, node ${process.version}, LOG_LEVEL=${options.logLevel}; ${options.rounds} × 2 alternating rounds of ${options.count} POST /api/v1/orders, closed loop, concurrency ${options.concurrency}`,
        `gateway CPU per request, one remembered token     ${mean(rememberedCosts).toFixed(0)} µs (rounds: ${list(rememberedCosts)})`,
        `gateway CPU per request, a new token every time   ${mean(newTokenCosts).toFixed(0)} µs (rounds: ${list(newTokenCosts)})`,
        resolved
          ? `a token's first verification                      ${firstVerification.toFixed(0)} µs of gateway CPU (± ${resolution.toFixed(0)}); ${(1e6 / firstVerification).toFixed(0)} new tokens/s per core`
          : `a token's first verification                      not resolved: the difference, ${firstVerification.toFixed(0)} µs, is within what the rounds can tell apart (${resolution.toFixed(0)} µs); use more --count and --rounds on a quiet machine`,
        `node:crypto ECDSA P-256 verify alone              ${bare.toFixed(1)} µs CPU (this process, ${BARE_VERIFICATIONS} calls)`,
        ...(resolved
          ? [25, 45, 100, 300].map(
              (rate) => `at ${rate} requests/s, every one with a new token: ${((rate * firstVerification) / 1e4).toFixed(2)} % of one core`,
            )
          : []),
        '',
      ].join('\n'),
    );
    failed = false;
  } finally {
    await pool.close();
    await gateway.cleanUp(failed);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
