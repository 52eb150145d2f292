import Ajv, { type ValidateFunction } from 'ajv';

/** A rendered Kubernetes object, as far as validation needs to know it. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: object) => Model;

/**
 * The OpenAPI schemas of every kind the manifests use, from kubernetes-models (Kubernetes, KEDA's ScaledObject and TriggerAuthentication, and
 * prometheus-operator; compiled validators, no network). A kind missing here fails the check: an object
 * nobody validates is how a broken manifest reaches a cluster.
 */
// Loaders return unknown: the packages' types sit behind an `exports` map this workspace's `node`
// module resolution cannot read, so the classes type-check as lacking validate().
const MODELS: Record<string, () => Promise<unknown>> = {
  'v1/ConfigMap': async () => (await import('kubernetes-models/v1/ConfigMap')).ConfigMap,
  'v1/Service': async () => (await import('kubernetes-models/v1/Service')).Service,
  'apps/v1/Deployment': async () => (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
  'batch/v1/Job': async () => (await import('kubernetes-models/batch/v1/Job')).Job,
  'policy/v1/PodDisruptionBudget': async () => (await import('kubernetes-models/policy/v1/PodDisruptionBudget')).PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': async () => (await import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler')).HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': async () => (await import('kubernetes-models/networking.k8s.io/v1/NetworkPolicy')).NetworkPolicy,
  'networking.k8s.io/v1/Ingress': async () => (await import('kubernetes-models/networking.k8s.io/v1/Ingress')).Ingress,
  'keda.sh/v1alpha1/ScaledObject': async () => (await import('@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject')).ScaledObject,
  'keda.sh/v1alpha1/TriggerAuthentication': async () => (await import('@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication')).TriggerAuthentication,
  'monitoring.coreos.com/v1/PrometheusRule': async () =>
    (await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule')).PrometheusRule,
  'monitoring.coreos.com/v1/ServiceMonitor': async () =>
    (await import('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor')).ServiceMonitor,
};

/** A Strimzi v1beta2 resource of `kind`: named, labelled with its Kafka cluster, and its closed `spec`. */
function strimziResourceSchema<Spec extends object>(kind: string, spec: Spec) {
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: {
      apiVersion: { const: 'kafka.strimzi.io/v1beta2' },
      kind: { const: kind },
      metadata: {
        type: 'object',
        required: ['name', 'labels'],
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 },
          labels: { type: 'object', required: ['strimzi.io/cluster'], additionalProperties: { type: 'string' } },
        },
      },
      spec,
    },
  } as const;
}

/**
 * Strimzi publishes no npm models; this follows the KafkaTopic v1beta2 CRD's openAPIV3Schema. `spec` is
 * closed: the API server prunes unknown fields of a structural CRD, so a typo there would vanish silently.
 */
const KAFKA_TOPIC_SCHEMA = strimziResourceSchema('KafkaTopic', {
  type: 'object',
  additionalProperties: false,
  properties: {
    topicName: { type: 'string', pattern: '^[a-zA-Z0-9._-]{1,249}$' },
    partitions: { type: 'integer', minimum: 1 },
    replicas: { type: 'integer', minimum: 1, maximum: 32767 },
    config: { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
  },
} as const);

const KAFKA_ACL_OPERATIONS = [
  'Read',
  'Write',
  'Create',
  'Delete',
  'Alter',
  'Describe',
  'ClusterAction',
  'AlterConfigs',
  'DescribeConfigs',
  'IdempotentWrite',
  'All',
];

/**
 * Strimzi's KafkaUser v1beta2, from its CRD's openAPIV3Schema: the authentication types, `simple`
 * authorization's ACL rules (resource types and pattern types, the operation enum), quotas; `spec`, each
 * rule and its resource closed for the same pruning reason. A named resource needs its name; `cluster` has none.
 */
const KAFKA_USER_SCHEMA = strimziResourceSchema('KafkaUser', {
  type: 'object',
  additionalProperties: false,
  properties: {
    authentication: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['tls', 'tls-external', 'scram-sha-512'] },
        password: { type: 'object' },
      },
    },
    authorization: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'acls'],
      properties: {
        type: { enum: ['simple'] },
        acls: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['resource'],
            anyOf: [{ required: ['operations'] }, { required: ['operation'] }],
            properties: {
              type: { enum: ['allow', 'deny'] },
              host: { type: 'string' },
              operation: { enum: KAFKA_ACL_OPERATIONS },
              operations: { type: 'array', minItems: 1, items: { enum: KAFKA_ACL_OPERATIONS } },
              resource: {
                type: 'object',
                additionalProperties: false,
                required: ['type'],
                properties: {
                  type: { enum: ['topic', 'group', 'cluster', 'transactionalId'] },
                  name: { type: 'string', minLength: 1 },
                  patternType: { enum: ['literal', 'prefix'] },
                },
                if: { properties: { type: { const: 'cluster' } } },
                then: { not: { required: ['name'] } },
                else: { required: ['name'] },
              },
            },
          },
        },
      },
    },
    quotas: {
      type: 'object',
      additionalProperties: false,
      properties: {
        producerByteRate: { type: 'integer', minimum: 0 },
        consumerByteRate: { type: 'integer', minimum: 0 },
        requestPercentage: { type: 'integer', minimum: 0 },
        controllerMutationRate: { type: 'number', minimum: 0 },
      },
    },
    template: { type: 'object' },
  },
} as const);

/**
 * External Secrets Operator publishes no npm models either. Written here from the fields of its
 * external-secrets.io/v1 ExternalSecret CRD that the overlays use (secretStoreRef, target, refreshInterval,
 * data[].remoteRef), with the CRD's enums; `spec`, `target`, `data[]` and `remoteRef` are closed for the
 * same pruning reason as above. dataFrom and target.template are left open: the overlays do not use them.
 */
const EXTERNAL_SECRET_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'external-secrets.io/v1' },
    kind: { const: 'ExternalSecret' },
    metadata: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253 } },
    },
    spec: {
      type: 'object',
      additionalProperties: false,
      anyOf: [{ required: ['data'] }, { required: ['dataFrom'] }],
      properties: {
        refreshInterval: { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$|^0$' },
        refreshPolicy: { enum: ['CreatedOnce', 'Periodic', 'OnChange'] },
        secretStoreRef: {
          type: 'object',
          additionalProperties: false,
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 253 }, kind: { enum: ['SecretStore', 'ClusterSecretStore'] } },
        },
        target: {
          type: 'object',
          additionalProperties: false,
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 253 },
            creationPolicy: { enum: ['Owner', 'Orphan', 'Merge', 'None'] },
            deletionPolicy: { enum: ['Delete', 'Merge', 'Retain'] },
            immutable: { type: 'boolean' },
            template: { type: 'object' },
          },
        },
        data: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['secretKey', 'remoteRef'],
            properties: {
              secretKey: { type: 'string', pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253 },
              remoteRef: {
                type: 'object',
                additionalProperties: false,
                required: ['key'],
                properties: {
                  key: { type: 'string', minLength: 1 },
                  property: { type: 'string' },
                  version: { type: 'string' },
                  conversionStrategy: { enum: ['Default', 'Unicode'] },
                  decodingStrategy: { enum: ['Auto', 'Base64', 'Base64URL', 'None'] },
                  metadataPolicy: { enum: ['None', 'Fetch'] },
                },
              },
            },
          },
        },
        dataFrom: { type: 'array', items: { type: 'object' } },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, allowUnionTypes: true });
const CUSTOM: Record<string, ValidateFunction> = {
  'kafka.strimzi.io/v1beta2/KafkaTopic': ajv.compile(KAFKA_TOPIC_SCHEMA),
  'kafka.strimzi.io/v1beta2/KafkaUser': ajv.compile(KAFKA_USER_SCHEMA),
  'external-secrets.io/v1/ExternalSecret': ajv.compile(EXTERNAL_SECRET_SCHEMA),
};

/** Problems of one object against its schema; empty when it is valid. */
export async function schemaErrors(object: KubeObject): Promise<string[]> {
  const key = `${object.apiVersion}/${object.kind}`;
  const where = `${object.kind}/${object.metadata?.name ?? '?'}`;
  const custom = CUSTOM[key];
  if (custom) {
    return custom(object) ? [] : (custom.errors ?? []).map((error) => `${where}: ${error.instancePath || '/'} ${error.message}`);
  }
  const load = MODELS[key];
  if (!load) return [`${where}: no schema known for ${key}`];
  const Model = (await load()) as ModelClass;
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}
