import { randomUUID } from 'node:crypto';
import { allTopics } from '@order-saga/contracts';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { ContractChecker } from './contract-checker';

/**
 * A fetch that hands every response of the gateway to the checker before the caller sees it, so the
 * SDK and the raw calls of the suite are checked alike.
 */
export function checkingFetch(checker: ContractChecker, gatewayUrl: string): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const response = await fetch(input, init);
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith(gatewayUrl)) {
      const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
      checker.checkResponse(method, url, response.status, response.headers, await response.clone().text());
    }
    return response;
  }) as typeof fetch;
}

/**
 * A consumer of every topic in a group of its own, starting at the end of each partition, so it sees
 * exactly the messages produced while the suite runs. `ready` resolves after its first fetch: only then
 * are the start offsets fixed, and traffic sent earlier could be missed.
 */
export class TopicObserver {
  private readonly consumer: Consumer;
  seen = 0;

  constructor(
    private readonly checker: ContractChecker,
    brokers: string,
  ) {
    this.consumer = new Kafka({ clientId: 'conformance-observer', brokers: brokers.split(','), logLevel: logLevel.NOTHING }).consumer({
      groupId: `conformance-${randomUUID()}`,
    });
  }

  async start(): Promise<void> {
    const fetched = new Promise<void>((resolve) => {
      const remove = this.consumer.on(this.consumer.events.FETCH, () => {
        remove();
        resolve();
      });
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: allTopics(), fromBeginning: false });
    await this.consumer.run({
      eachMessage: async ({ topic, message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, value === undefined ? '' : String(value)]));
        this.checker.checkMessage(topic, message.value, headers);
        this.seen += 1;
      },
    });
    await fetched;
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
