import type { AddressInfo } from 'node:net';
import { INestApplication, Type } from '@nestjs/common';
import { createServiceApp } from '@order-saga/shared/http';
import { Kafka } from 'kafkajs';
import { kafkaConsumerOptions } from './kafka-microservice';

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

/**
 * A service's module serving HTTP on a free loopback port with its Kafka consumers in group `group`, for
 * integration specs: resolves once the group has its member, so what a spec produces next is consumed.
 */
export async function serveWithConsumers(
  module: Type<unknown>,
  { group, brokers, kafka }: { group: string; brokers: string; kafka: Kafka },
): Promise<{ app: INestApplication; baseUrl: string }> {
  const app = await createServiceApp(module);
  app.connectMicroservice(kafkaConsumerOptions(group, brokers), { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  await waitForConsumerGroup(kafka, group);
  return { app, baseUrl };
}
