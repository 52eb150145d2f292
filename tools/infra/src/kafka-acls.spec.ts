import { AclOperationTypes, AclPermissionTypes, AclResourceTypes, ResourcePatternTypes } from 'kafkajs';
import { aclEntriesOf, readKafkaUserAcls } from './kafka-acls';

describe('the KafkaUsers ACLs the launcher grants', () => {
  it('reads one user per Kafka service from k8s/components/kafka-security', () => {
    expect([...readKafkaUserAcls().keys()].sort()).toEqual(['inventory-service', 'notification-service', 'order-service', 'payment-service']);
  });

  it("turns Strimzi's rules into kafkajs ACL entries for principal User:<name>", () => {
    const entries = aclEntriesOf('order-service', [
      { resource: { type: 'group', name: 'order-service', patternType: 'literal' }, operations: ['Read'] },
      { resource: { type: 'topic', name: 'order.deadletter.', patternType: 'prefix' }, operations: ['Write', 'Describe'] },
      { resource: { type: 'cluster' }, operations: ['IdempotentWrite'], type: 'deny', host: '10.0.0.1' },
    ]);

    expect(entries).toEqual([
      {
        principal: 'User:order-service',
        host: '*',
        operation: AclOperationTypes.READ,
        permissionType: AclPermissionTypes.ALLOW,
        resourceType: AclResourceTypes.GROUP,
        resourceName: 'order-service',
        resourcePatternType: ResourcePatternTypes.LITERAL,
      },
      expect.objectContaining({ operation: AclOperationTypes.WRITE, resourceType: AclResourceTypes.TOPIC, resourcePatternType: ResourcePatternTypes.PREFIXED }),
      expect.objectContaining({ operation: AclOperationTypes.DESCRIBE, resourceName: 'order.deadletter.' }),
      expect.objectContaining({
        operation: AclOperationTypes.IDEMPOTENT_WRITE,
        permissionType: AclPermissionTypes.DENY,
        resourceType: AclResourceTypes.CLUSTER,
        resourceName: 'kafka-cluster',
        host: '10.0.0.1',
      }),
    ]);
  });

  it('refuses an operation Strimzi does not know', () => {
    expect(() => aclEntriesOf('x', [{ resource: { type: 'topic', name: 't' }, operations: ['Reed'] }])).toThrow(/unknown ACL operation Reed/);
  });
});
