import type { OffsetsByTopicPartition } from 'kafkajs';
import { OffsetCommitter } from './batching-kafka-server';

/** A consumer group's resolved offsets, as kafkajs' eachBatch payload exposes them (a fake: pure logic). */
class FakeGroup {
  resolved = new Map<number, string>();
  committed: OffsetsByTopicPartition[] = [];
  commitGate: Promise<void> = Promise.resolve();

  resolve(partition: number, offset: string): this {
    this.resolved.set(partition, offset);
    return this;
  }

  readonly payload = {
    uncommittedOffsets: (): OffsetsByTopicPartition => ({
      topics: [{ topic: 'orders', partitions: [...this.resolved].map(([partition, offset]) => ({ partition, offset })) }],
    }),
    commitOffsetsIfNecessary: async (offsets?: OffsetsByTopicPartition): Promise<void> => {
      await this.commitGate;
      if (offsets) this.committed.push(offsets);
      this.resolved.clear();
    },
  };

  /** The offset each commit carried for `partition`, in commit order. */
  commitsOf(partition: number): (string | undefined)[] {
    return this.committed.map((commit) => commit.topics[0].partitions.find((entry) => entry.partition === partition)?.offset);
  }
}

describe('OffsetCommitter', () => {
  let now = 1_000_000;
  const clock = () => now;

  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('commits after every transaction when the interval is 0', async () => {
    const group = new FakeGroup();
    const committer = new OffsetCommitter(0, clock);

    await committer.resolved(group.resolve(0, '5').payload);
    await committer.resolved(group.resolve(0, '6').payload);

    expect(group.commitsOf(0)).toEqual(['5', '6']);
  });

  it('commits at most once per interval while transactions follow each other', async () => {
    const group = new FakeGroup();
    const committer = new OffsetCommitter(1000, clock);

    await committer.resolved(group.resolve(0, '5').payload);
    now += 200;
    await committer.resolved(group.resolve(0, '6').payload);
    now += 200;
    await committer.resolved(group.resolve(1, '2').payload);

    expect(group.commitsOf(0)).toEqual(['5']);

    now += 700;
    await committer.resolved(group.resolve(0, '7').payload);

    expect(group.commitsOf(0)).toEqual(['5', '7']);
    expect(group.commitsOf(1)).toEqual([undefined, '2']);
  });

  it('commits what the last transactions resolved one interval after them, so an idle consumer ends with nothing uncommitted', async () => {
    const group = new FakeGroup();
    const committer = new OffsetCommitter(1000, clock);
    await committer.resolved(group.resolve(0, '5').payload);
    now += 10;
    await committer.resolved(group.resolve(0, '6').payload);
    expect(group.commitsOf(0)).toEqual(['5']);

    now += 1000;
    await jest.advanceTimersByTimeAsync(1000);

    expect(group.commitsOf(0)).toEqual(['5', '6']);
    expect(group.resolved.size).toBe(0);
  });

  it('commits what is pending when flushed at shutdown', async () => {
    const group = new FakeGroup();
    const committer = new OffsetCommitter(60_000, clock);
    await committer.resolved(group.resolve(0, '5').payload);
    now += 10;
    await committer.resolved(group.resolve(0, '9').payload);

    await committer.flush();

    expect(group.commitsOf(0)).toEqual(['5', '9']);
  });

  it('runs commits one at a time, each taking the offsets resolved when it starts, so an older commit never lands after a newer one', async () => {
    const group = new FakeGroup();
    const committer = new OffsetCommitter(0, clock);
    let open!: () => void;
    group.commitGate = new Promise((resolve) => (open = resolve));

    const first = committer.resolved(group.resolve(0, '5').payload);
    const second = committer.resolved(group.resolve(0, '6').payload);
    open();
    await Promise.all([first, second]);

    expect(group.commitsOf(0)).toEqual(['6']);
  });
});
