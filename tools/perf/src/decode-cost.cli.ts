import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  decodeMessage,
  MessageDefinition,
  ORDER_CANCELLED,
  ORDER_CREATED,
  ORDER_UPDATED,
  PAYMENT_DECLINED,
  PAYMENT_SUCCEEDED,
  PROCESS_PAYMENT,
  RESERVE_STOCK,
  STOCK_RESERVATION_REJECTED,
  STOCK_RESERVED,
} from '@order-saga/contracts';
import { REPO_ROOT } from '@order-saga/infra';
import { positiveInteger } from './gateway-under-test';
import { cpuMicrosPerCall } from './cpu-per-call';

/*
 * What decoding one Kafka message costs a consumer's CPU: decodeMessage (MessageProcessor calls it on every
 * message, once more when a batch re-runs) from the value's bytes to a validated envelope, for each message
 * of a paid saga, with the definitions its consumer passes. decodeMessage as committed at --base (default:
 * the last commit that decoded with class-transformer + class-validator) against this checkout's, in one
 * process: its source is read with `git show` into tmp/ and loaded beside the current one. Rounds are
 * interleaved (base then head, head then base, …) so a drift of the machine's load falls on both sides.
 * `JSON.parse alone` is the floor both pay.
 *
 * usage (from the repository root):
 *   npx nx run perf:decode-cost -- [--base 1d0ce5f] [--count 20000] [--rounds 6] [--lines 1]
 */

const CLASS_VALIDATOR_DECODER = '1d0ce5f';

type Decode = typeof decodeMessage;

interface Options {
  base: string;
  count: number;
  rounds: number;
  lines: number;
}

function optionsOf(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      base: { type: 'string', default: CLASS_VALIDATOR_DECODER },
      count: { type: 'string', default: '20000' },
      rounds: { type: 'string', default: '6' },
      lines: { type: 'string', default: '1' },
    },
  });
  return {
    base: values.base,
    count: positiveInteger('count', values.count),
    rounds: positiveInteger('rounds', values.rounds),
    lines: positiveInteger('lines', values.lines),
  };
}

/** decodeMessage as of `commit`, its relative imports pointed at today's contracts (the same message classes). */
function decoderAt(commit: string): { decode: Decode; commit: string } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const short = git('rev-parse', '--short', `${commit}^{commit}`);
  const source = git('show', `${short}:libs/contracts/src/decode-message.ts`).replace(/from '\.\/[^']+'/g, "from '@order-saga/contracts'");
  const dir = join(REPO_ROOT, 'tmp', 'perf-decode-cost');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `decode-message.${short}.ts`);
  writeFileSync(file, `${source}\n`);
  return { decode: (require(file) as { decodeMessage: Decode }).decodeMessage, commit: short };
}

interface Sample {
  name: string;
  bytes: Buffer;
  definitions: MessageDefinition[];
}

/** Each message of a paid saga as the outbox writes it, and the definitions its consumer accepts. */
function samples(lines: number): Sample[] {
  const orderId = 'ORD-7K3M9Q2X';
  const at = new Date('2026-01-15T10:30:00.000Z').toISOString();
  const items = Array.from({ length: lines }, (_, index) => ({ productId: `SKU-${String(index + 1).padStart(3, '0')}`, quantity: 2 }));
  const priced = items.map((item) => ({ ...item, unitPriceCents: 2999 }));
  const total = priced.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);
  const message = (definition: MessageDefinition, payload: object) => ({
    messageId: randomUUID(),
    type: definition.type,
    correlationId: orderId,
    causationId: randomUUID(),
    occurredAt: at,
    requestId: 'req-4f1c2a',
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    payload,
  });
  const sample = (definition: MessageDefinition, payload: object, definitions: MessageDefinition[]): Sample => ({
    name: definition.type,
    bytes: Buffer.from(JSON.stringify(message(definition, payload))),
    definitions,
  });
  return [
    sample(RESERVE_STOCK, { orderId, items }, [RESERVE_STOCK]),
    sample(STOCK_RESERVED, { orderId, reservationId: randomUUID(), items: priced, totalCents: total, currency: 'USD' }, [
      STOCK_RESERVED,
      STOCK_RESERVATION_REJECTED,
    ]),
    sample(PROCESS_PAYMENT, { orderId, customerId: 'cust_8d2f', amountCents: total, currency: 'USD' }, [PROCESS_PAYMENT]),
    sample(PAYMENT_SUCCEEDED, { orderId, paymentId: randomUUID(), amountCents: total, currency: 'USD' }, [PAYMENT_SUCCEEDED, PAYMENT_DECLINED]),
    sample(
      ORDER_CREATED,
      { orderId, clientId: 'bench-client', customerId: 'cust_8d2f', status: 'confirmed', totalCents: total, currency: 'USD', items: priced, createdAt: at },
      [ORDER_CREATED, ORDER_UPDATED, ORDER_CANCELLED],
    ),
  ];
}

function expectDecodes(decode: Decode, sample: Sample, side: string): void {
  const { envelope, definition } = decode(sample.bytes, sample.definitions);
  if (definition.type !== sample.name || !(envelope.payload instanceof definition.payload)) {
    throw new Error(`${side} did not decode ${sample.name} into an instance of ${definition.payload.name}`);
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

function main(): void {
  const options = optionsOf(process.argv.slice(2));
  const base = decoderAt(options.base);
  const messages = samples(options.lines);
  for (const sample of messages) {
    expectDecodes(base.decode, sample, `decodeMessage at ${base.commit}`);
    expectDecodes(decodeMessage, sample, 'this checkout’s decodeMessage');
  }
  const costs = messages.map(() => ({ base: [] as number[], head: [] as number[], parse: [] as number[] }));
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [index, sample] of messages.entries()) {
      const cost = costs[index];
      const measure = {
        base: () => cost.base.push(cpuMicrosPerCall(options.count, () => base.decode(sample.bytes, sample.definitions))),
        head: () => cost.head.push(cpuMicrosPerCall(options.count, () => decodeMessage(sample.bytes, sample.definitions))),
      };
      const order = round % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const);
      order.forEach((side) => measure[side]());
      cost.parse.push(cpuMicrosPerCall(options.count, () => JSON.parse(sample.bytes.toString())));
    }
  }
  const range = (values: number[]) => `${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)}`;
  const rows = messages.map((sample, index) => {
    const cost = costs[index];
    const [baseCost, headCost] = [median(cost.base), median(cost.head)];
    return [
      sample.name.padEnd(18),
      String(sample.bytes.length).padStart(5),
      `${baseCost.toFixed(1).padStart(7)} (${range(cost.base)})`.padEnd(22),
      `${headCost.toFixed(1).padStart(7)} (${range(cost.head)})`.padEnd(22),
      `${median(cost.parse).toFixed(1).padStart(6)}`.padEnd(10),
      `${(baseCost / headCost).toFixed(1)}×`,
    ].join('  ');
  });
  process.stdout.write(
    [
      `decodeMessage at ${base.commit} (base) vs this checkout (head), node ${process.version}; ${options.rounds} interleaved rounds × ${options.count} decodes per message, ${options.lines} order line(s)`,
      'CPU µs per decode, median of the rounds (min–max)',
      ['message'.padEnd(18), 'bytes', 'base µs'.padEnd(22), 'head µs'.padEnd(22), 'JSON.parse'.padEnd(10), 'base/head'].join('  '),
      ...rows,
      '',
    ].join('\n'),
  );
}

main();
