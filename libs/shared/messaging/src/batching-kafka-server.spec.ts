import { BatchingKafkaServer } from './batching-kafka-server';

describe('BatchingKafkaServer', () => {
  function serverWith(patterns: string[]): BatchingKafkaServer {
    const server = new BatchingKafkaServer({ client: { brokers: ['127.0.0.1:1'] } });
    for (const pattern of patterns) server.addHandler(pattern, async () => undefined, true);
    return server;
  }

  it('finds the handler of a topic without parsing the topic name as JSON on every message', () => {
    const server = serverWith(['inventory.commands', 'order.replies']);
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const first = server.getHandlerByPattern('inventory.commands');
      const callsAfterFirst = parse.mock.calls.length;
      for (let i = 0; i < 100; i++) expect(server.getHandlerByPattern('inventory.commands')).toBe(first);
      expect(first).not.toBeNull();
      expect(parse.mock.calls.length).toBe(callsAfterFirst);
    } finally {
      parse.mockRestore();
    }
  });

  it('keeps the lookup per topic: each topic has its own handler and an unknown topic has none', () => {
    const server = serverWith(['inventory.commands', 'order.replies']);
    const inventory = server.getHandlerByPattern('inventory.commands');
    const replies = server.getHandlerByPattern('order.replies');
    expect(inventory).not.toBeNull();
    expect(replies).not.toBeNull();
    expect(inventory).not.toBe(replies);
    expect(server.getHandlerByPattern('payment.commands')).toBeNull();
    expect(server.getHandlerByPattern('payment.commands')).toBeNull();
  });
});
