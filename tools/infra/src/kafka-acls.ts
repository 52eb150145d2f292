/**
 * The ACLs of the Strimzi KafkaUsers in k8s/, granted on the launcher's SASL_SSL broker: the services run
 * there as those users with exactly those rights, so an ACL the manifests forgot fails the e2e run instead
 * of a deployment.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AclEntry, AclOperationTypes, AclPermissionTypes, AclResourceTypes, Kafka, logLevel, ResourcePatternTypes } from 'kafkajs';
import { parseAllDocuments } from 'yaml';
import type { KafkaClientSecurityOptions } from './broker-security';
import { REPO_ROOT } from './paths';

export const KAFKA_USERS_FILE = join(REPO_ROOT, 'k8s', 'components', 'kafka-security', 'kafka-users.yaml');

/** One rule of a KafkaUser's `spec.authorization.acls` (Strimzi v1beta2, the fields the manifests use). */
export interface StrimziAclRule {
  resource: { type: 'topic' | 'group' | 'cluster' | 'transactionalId'; name?: string; patternType?: 'literal' | 'prefix' };
  operations: string[];
  host?: string;
  type?: 'allow' | 'deny';
}

/** Each KafkaUser's name and ACL rules, as the manifest declares them. */
export function readKafkaUserAcls(file = KAFKA_USERS_FILE): Map<string, StrimziAclRule[]> {
  const users = new Map<string, StrimziAclRule[]>();
  for (const document of parseAllDocuments(readFileSync(file, 'utf8'))) {
    const user = document.toJS() as { kind?: string; metadata?: { name: string }; spec?: { authorization?: { acls?: StrimziAclRule[] } } } | null;
    if (user?.kind !== 'KafkaUser' || !user.metadata) continue;
    users.set(user.metadata.name, user.spec?.authorization?.acls ?? []);
  }
  return users;
}

const RESOURCE_TYPES: Record<StrimziAclRule['resource']['type'], AclResourceTypes> = {
  topic: AclResourceTypes.TOPIC,
  group: AclResourceTypes.GROUP,
  cluster: AclResourceTypes.CLUSTER,
  transactionalId: AclResourceTypes.TRANSACTIONAL_ID,
};

/** Strimzi's operation names (Read, IdempotentWrite, …) to kafkajs' enum (READ, IDEMPOTENT_WRITE, …). */
function operationOf(name: string): AclOperationTypes {
  const key = name.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase() as keyof typeof AclOperationTypes;
  const operation = AclOperationTypes[key];
  if (operation === undefined) throw new Error(`${KAFKA_USERS_FILE}: unknown ACL operation ${name}`);
  return operation;
}

/** The kafkajs ACL entries of one user's rules; the principal is `User:<name>`, as Strimzi's. */
export function aclEntriesOf(user: string, rules: StrimziAclRule[]): AclEntry[] {
  return rules.flatMap((rule) =>
    rule.operations.map((operation) => ({
      principal: `User:${user}`,
      host: rule.host ?? '*',
      operation: operationOf(operation),
      permissionType: rule.type === 'deny' ? AclPermissionTypes.DENY : AclPermissionTypes.ALLOW,
      resourceType: RESOURCE_TYPES[rule.resource.type],
      resourceName: rule.resource.type === 'cluster' ? 'kafka-cluster' : (rule.resource.name ?? ''),
      resourcePatternType: rule.resource.patternType === 'prefix' ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
    })),
  );
}

/** Grants every KafkaUser's ACLs on the broker, as its super user. Returns how many entries. */
export async function grantKafkaUserAcls(brokers: string, security: KafkaClientSecurityOptions, file = KAFKA_USERS_FILE): Promise<number> {
  const acl = [...readKafkaUserAcls(file)].flatMap(([user, rules]) => aclEntriesOf(user, rules));
  const admin = new Kafka({ clientId: 'order-saga-launcher', brokers: brokers.split(','), logLevel: logLevel.NOTHING, ...security }).admin();
  await admin.connect();
  try {
    await admin.createAcls({ acl });
  } finally {
    await admin.disconnect();
  }
  return acl.length;
}
