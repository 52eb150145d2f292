import { RunningService } from '@order-saga/infra';
import { attachSystem } from '@order-saga/shared/testing';

/** One more gateway process against the suite's database and services, with `overrides` (e.g. tiny rate limits). */
export async function startGateway(name: string, overrides: Record<string, string>): Promise<RunningService> {
  return attachSystem().startGateway(name, overrides);
}

/** The shared TCP proxy in its drop mode: loses the response of the first request matching a prefix. */
export { TcpProxy as DroppingProxy } from '@order-saga/shared/testing';
