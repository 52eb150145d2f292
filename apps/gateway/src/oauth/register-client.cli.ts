import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { runMigrationsLocked } from '@order-saga/shared/database';
import { DataSource } from 'typeorm';
import { registerClientCliConfig } from '../config/gateway.config';
import { GATEWAY_MIGRATIONS } from '../database/migrations';
import { generateClientSecret, hashClientSecret } from './client-secret';
import { OAuthClient } from './oauth-client.entity';
import { OAuthClientRepository } from './oauth-client.repository';
import { RATE_LIMIT_TIERS, RateLimitTier } from '../rate-limit/rate-limit.policy';
import { isKnownScope, parseScope, SCOPES } from './scope';

/** Client ids travel in the x-client-id header upstream; unreserved URL characters need no escaping there. */
const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;
const MIN_SECRET_LENGTH = 24;

const USAGE = `Registers (or re-registers, rotating its secret) an OAuth client of the gateway.

usage: node -r ./tools/register.js apps/gateway/src/oauth/register-client.cli.ts \\
         --client-id ID [--secret SECRET] --scopes "${SCOPES.join(' ')}" [--tier standard]

  --client-id  letters, digits and . _ ~ - (at most 128)
  --secret     at least ${MIN_SECRET_LENGTH} characters; omit it to have a random one generated.
               A secret on the command line ends up in shell history: prefer the generated one.
  --scopes     space-separated subset of: ${SCOPES.join(' ')}
  --tier       rate-limit tier, one of: ${RATE_LIMIT_TIERS.join(' ')} (default standard; sandbox has 10x limits)

DATABASE_URL names the gateway's database; pending gateway migrations are applied first.
`;

export interface RegisterClientOptions {
  clientId: string;
  /** Undefined: generate one. */
  secret?: string;
  scopes: string[];
  tier: RateLimitTier;
}

export class UsageError extends Error {}

export function parseRegisterClientArgs(argv: string[]): RegisterClientOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'client-id': { type: 'string' }, secret: { type: 'string' }, scopes: { type: 'string' }, tier: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const clientId = values['client-id'];
  if (clientId === undefined || !CLIENT_ID.test(clientId)) throw new UsageError('--client-id is required: letters, digits and . _ ~ - only');
  if (values.secret !== undefined && values.secret.length < MIN_SECRET_LENGTH) {
    throw new UsageError(`--secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const scopes = parseScope(values.scopes ?? '');
  if (!scopes || scopes.length === 0) throw new UsageError('--scopes is required, e.g. --scopes "read write"');
  const unknown = scopes.filter((scope) => !isKnownScope(scope));
  // A typo here would register a scope no route ever asks for, leaving the client unable to do what was meant.
  if (unknown.length > 0) throw new UsageError(`unknown scope(s): ${unknown.join(' ')}; known: ${SCOPES.join(' ')}`);
  const tier = values.tier ?? 'standard';
  if (!(RATE_LIMIT_TIERS as readonly string[]).includes(tier)) throw new UsageError(`--tier must be one of: ${RATE_LIMIT_TIERS.join(' ')}`);
  return { clientId, scopes, tier: tier as RateLimitTier, ...(values.secret !== undefined ? { secret: values.secret } : {}) };
}

async function main(argv: string[]): Promise<void> {
  const options = parseRegisterClientArgs(argv);
  const { DATABASE_URL } = registerClientCliConfig();
  const dataSource = new DataSource({ type: 'postgres', url: DATABASE_URL, entities: [OAuthClient], migrations: GATEWAY_MIGRATIONS });
  await dataSource.initialize();
  try {
    await runMigrationsLocked(dataSource, (names) => {
      if (names.length > 0) process.stderr.write(`applied migrations: ${names.join(', ')}\n`);
    });
    const secret = options.secret ?? generateClientSecret();
    await new OAuthClientRepository(dataSource).register({
      clientId: options.clientId,
      secretHash: await hashClientSecret(secret),
      scopes: options.scopes,
      rateLimitTier: options.tier,
    });
    process.stdout.write(`client_id=${options.clientId}\nclient_secret=${secret}\nscope=${options.scopes.join(' ')}\nrate_limit_tier=${options.tier}\n`);
    process.stderr.write('Store the secret now: the gateway keeps only its hash and cannot show it again.\n');
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
    else process.stderr.write(`register-client failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
