import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

/**
 * Writes docs/openapi.json from the gateway's controllers, or with --check fails when the committed
 * file differs from what the code describes. Runs the app in Nest's preview mode: no provider is
 * instantiated, so no database, Redis or key file is needed; the settings below only satisfy the
 * config schema, which is validated when AppModule loads.
 */
const OUTPUT = join(__dirname, '..', '..', '..', '..', 'docs', 'openapi.json');
const PLACEHOLDER_ENV = {
  PORT: '0',
  DATABASE_URL: 'postgres://openapi@127.0.0.1:1/openapi',
  JWT_SIGNING_KEYS_FILE: '/nonexistent/openapi-generation',
  ORDER_SERVICE_URL: 'http://127.0.0.1:1',
  INVENTORY_SERVICE_URL: 'http://127.0.0.1:1',
  NOTIFICATION_SERVICE_URL: 'http://127.0.0.1:1',
  PAYMENT_SERVICE_URL: 'http://127.0.0.1:1',
};

async function main(check: boolean): Promise<number> {
  Object.assign(process.env, PLACEHOLDER_ENV);
  Logger.overrideLogger(false);
  // Required only now: the config module validates the environment set above when AppModule loads.
  const { AppModule } = await import('../app.module');
  const { openApiDocument, openApiText } = await import('./openapi-document');
  const app = await NestFactory.create(AppModule, { preview: true, logger: false, abortOnError: false });
  const text = openApiText(openApiDocument(app));
  if (!check) {
    writeFileSync(OUTPUT, text);
    process.stdout.write(`wrote ${OUTPUT}\n`);
    return 0;
  }
  let committed = '';
  try {
    committed = readFileSync(OUTPUT, 'utf8');
  } catch {
    // a missing file is a difference like any other
  }
  if (committed === text) {
    process.stdout.write(`${OUTPUT} is up to date\n`);
    return 0;
  }
  process.stderr.write(`${OUTPUT} is out of date: run \`npx nx run gateway:openapi\` and commit the result\n`);
  return 1;
}

main(process.argv.includes('--check')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`openapi generation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
