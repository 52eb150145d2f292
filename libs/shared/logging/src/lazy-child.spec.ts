import { Writable } from 'node:stream';
import pino from 'pino';
import { lazyChild } from './lazy-child';

function capture(level: pino.LevelWithSilent) {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level, redact: ['secret'] }, stream), lines };
}

describe('lazyChild', () => {
  it('writes a line with the bindings, as an eager child would', () => {
    const { logger, lines } = capture('info');
    lazyChild(logger, { order_id: 'ord-1', secret: 'hidden' }).info({ step: 'reserve' }, 'handled');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ order_id: 'ord-1', secret: '[Redacted]', step: 'reserve', msg: 'handled' });
  });

  it('does not make the child for a call of a disabled level', () => {
    const { logger, lines } = capture('info');
    const child = jest.spyOn(logger, 'child');
    lazyChild(logger, { order_id: 'ord-1' }).debug('not written');
    expect(child).not.toHaveBeenCalled();
    expect(lines).toHaveLength(0);
  });

  it('makes the child once, however many lines it writes', () => {
    const { logger, lines } = capture('debug');
    const child = jest.spyOn(logger, 'child');
    const lazy = lazyChild(logger, { order_id: 'ord-2' });
    lazy.debug('one');
    lazy.warn('two');
    expect(child).toHaveBeenCalledTimes(1);
    expect(lines.map((line) => [line.order_id, line.msg])).toEqual([
      ['ord-2', 'one'],
      ['ord-2', 'two'],
    ]);
  });

  it('passes children of it the bindings of both', () => {
    const { logger, lines } = capture('info');
    lazyChild(logger, { order_id: 'ord-3' }).child({ consumer: 'inventory.reserve-stock' }).info('nested');
    expect(lines[0]).toMatchObject({ order_id: 'ord-3', consumer: 'inventory.reserve-stock', msg: 'nested' });
  });
});
