import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REGISTER, REPO_ROOT, registerOAuthClient, RunningService, stopService } from '@order-saga/infra';
import { ERROR_CODES, HTTP_STATUS_BY_CODE } from '@order-saga/shared/http';
import { freePort } from '@order-saga/shared/testing';
import { system } from './api';

/** Helpers of the edge-*.e2e-spec.ts suites: the seed's error format, extra gateway processes, clients. */

const ERROR_FIELDS = new Set(['error_code', 'message', 'details', 'request_id', 'timestamp']);
/** Top-level additions the API documents for particular codes. */
const EXTRA_FIELDS = new Set(['retry_after', 'existing_order_id', 'order_id']);
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

/**
 * Every way a response can miss the seed's error format, as a list of complaints (empty = conforms):
 * the status must be the code's status, and the body must carry exactly the format's fields.
 */
export function errorFormatViolations(status: number, headers: Headers, text: string): string[] {
  const problems: string[] = [];
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return [`body is not JSON: ${text.slice(0, 80)}`];
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return ['body is not a JSON object'];
  const record = body as Record<string, unknown>;
  if (!/^application\/json/.test(headers.get('content-type') ?? '')) problems.push(`content-type ${headers.get('content-type')}`);
  const code = record.error_code;
  if (typeof code !== 'string' || !(ERROR_CODES as readonly string[]).includes(code)) problems.push(`error_code ${String(code)}`);
  else if (HTTP_STATUS_BY_CODE[code as keyof typeof HTTP_STATUS_BY_CODE] !== status) problems.push(`status ${status} for ${code}`);
  if (typeof record.message !== 'string' || record.message === '') problems.push('message');
  if (typeof record.message === 'string' && /\n\s+at /.test(record.message)) problems.push('stack trace in message');
  if (typeof record.request_id !== 'string' || record.request_id === '' || record.request_id !== headers.get('x-request-id')) {
    problems.push(`request_id ${String(record.request_id)} vs header ${headers.get('x-request-id')}`);
  }
  if (typeof record.timestamp !== 'string' || !ISO_TIMESTAMP.test(record.timestamp)) problems.push(`timestamp ${String(record.timestamp)}`);
  if (record.details !== undefined) {
    const details = record.details;
    const wellFormed =
      Array.isArray(details) &&
      details.every(
        (d) =>
          typeof d === 'object' &&
          d !== null &&
          typeof (d as Record<string, unknown>).field === 'string' &&
          typeof (d as Record<string, unknown>).error === 'string',
      );
    if (!wellFormed) problems.push('details');
  }
  for (const key of Object.keys(record)) if (!ERROR_FIELDS.has(key) && !EXTRA_FIELDS.has(key)) problems.push(`unexpected field ${key}`);
  return problems;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

/**
 * One raw HTTP request, for the tests whose point is what the SDK would never send (malformed bodies, forged
 * or missing tokens, odd headers) or the exact HTTP of an answer (rate-limit headers, the error format).
 */
export async function send(url: string, init: RequestInit = {}): Promise<RawResponse> {
  const response = await fetch(url, init);
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON; the assertions on `text` say so
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** Asserts the seed's error format and returns the body. */
export function expectSeedError(response: RawResponse, status: number, code: string): Record<string, unknown> {
  expect({ status: response.status, code: response.json.error_code }).toEqual({ status, code });
  expect(errorFormatViolations(response.status, response.headers, response.text)).toEqual([]);
  return response.json;
}

/** A port nothing listens on: taken from the OS, then released. */
export const closedPort = freePort;

/**
 * One more gateway process, like the suite's, against the same database and services, with the
 * environment changed by `overrides` (small limits, another key file, a dead Redis…).
 */
export async function startExtraGateway(name: string, overrides: Record<string, string>): Promise<RunningService> {
  return system().startGateway(name, overrides);
}

export { stopService };

/** Registers a client of its own for one test (so no other test shares its counters) and returns its secret. */
export async function registerClient(clientId: string, scopes: string[], tier: 'standard' | 'sandbox' = 'standard'): Promise<string> {
  const secret = randomBytes(24).toString('base64url');
  await registerOAuthClient(system().databaseUrls.gateway, clientId, secret, scopes, tier);
  return secret;
}

/** Runs the gateway's signing-keys CLI, as an operator would during a rotation. */
export async function signingKeys(command: string, file: string, kid?: string): Promise<string> {
  const args = ['-r', REGISTER, 'apps/gateway/src/oauth/signing-keys/signing-keys.cli.ts', command, `--file=${file}`, ...(kid ? [`--kid=${kid}`] : [])];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: REPO_ROOT });
  return stdout;
}

export function dataFile(name: string): string {
  return join(system().address.dataDir, name);
}
