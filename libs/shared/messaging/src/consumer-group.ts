import { Kafka } from 'kafkajs';

/**
 * Resolves once consumer group `groupId` is Stable with at least `members` members, all of them with
 * partitions assigned. A brand-new group's first join can take seconds (the coordinator loading), and
 * a consumer only fetches once it joined: tests and tools that produce and then expect consumption
 * wait for this instead of sleeping.
 */
export async function waitForConsumerGroup(kafka: Kafka, groupId: string, { members = 1, timeoutMs = 30_000 } = {}): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  const deadline = Date.now() + timeoutMs;
  let last = 'not described yet';
  try {
    for (;;) {
      const { groups } = await admin.describeGroups([groupId]);
      const group = groups[0];
      last = `state ${group?.state}, ${group?.members.length ?? 0} member(s)`;
      if (group?.state === 'Stable' && group.members.length >= members && group.members.every((member) => member.memberAssignment.length > 0)) return;
      if (Date.now() > deadline) throw new Error(`consumer group ${groupId} did not become stable within ${timeoutMs} ms (${last})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await admin.disconnect();
  }
}
