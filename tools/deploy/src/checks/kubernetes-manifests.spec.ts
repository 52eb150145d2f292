import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allTopics, TOPIC_PARTITIONS, TOPICS } from '@order-saga/contracts';
import { KubeObject, schemaErrors } from './kubernetes-schemas';
import { OVERLAYS, renderKustomization, renderOverlay } from './kustomize';
import { SERVICES, serviceConfigVars } from './service-config-vars';

type Container = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const CONSUMERS = SERVICES.filter((service) => service !== 'gateway');

const rendered = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, renderOverlay(overlay)])) as Record<(typeof OVERLAYS)[number], KubeObject[]>;
const ofKind = (objects: KubeObject[], kind: string) => objects.filter((object) => object.kind === kind);
const named = (objects: KubeObject[], kind: string, name: string) => {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`${kind}/${name} is missing`);
  return found;
};
const podSpec = (object: KubeObject): Container => (object.spec as Container).template.spec;

describe.each(OVERLAYS)('the %s overlay', (overlay) => {
  const objects = rendered[overlay];

  it('renders and every object validates against its Kubernetes or CRD schema', async () => {
    expect(objects.length).toBeGreaterThan(50);
    const errors = (await Promise.all(objects.map((object) => schemaErrors(object)))).flat();
    expect(errors).toEqual([]);
  });

  it('defines no Secret: secrets are referenced, their values live outside git', () => {
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  it.each(SERVICES)('runs %s hardened, probed and bounded', (service) => {
    const deployment = named(objects, 'Deployment', service);
    const pod = podSpec(deployment);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: expect.any(Number), seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.securityContext.runAsUser).not.toBe(0);
    const [container] = pod.containers;
    expect(container.securityContext).toEqual(
      expect.objectContaining({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }),
    );
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.startupProbe.httpGet.path).toBeDefined();
    for (const bound of ['requests', 'limits']) expect(Object.keys(container.resources[bound]).sort()).toEqual(['cpu', 'memory']);
    expect(container.image).toMatch(/^[^:]+:(?!latest$)[\w.-]+$/);
    const tmp = container.volumeMounts.find((mount: Container) => mount.mountPath === '/tmp');
    expect(pod.volumes.find((volume: Container) => volume.name === tmp.name).emptyDir).toBeDefined();
  });

  it.each(SERVICES)('gives %s every variable its config requires, from its ConfigMap or a Secret reference', (service) => {
    const container = podSpec(named(objects, 'Deployment', service)).containers[0];
    const provided = new Set<string>((container.env ?? []).map((variable: Container) => variable.name));
    for (const source of container.envFrom ?? []) {
      const configMap = named(objects, 'ConfigMap', source.configMapRef.name);
      Object.keys(configMap.data as object).forEach((key) => provided.add(key));
    }
    const missing = serviceConfigVars(service).filter((variable) => variable.required && !provided.has(variable.name));
    expect(missing.map((variable) => variable.name)).toEqual([]);
  });

  it.each(SERVICES)('has a Service, a PodDisruptionBudget and a migrations Job for %s', (service) => {
    expect((named(objects, 'Service', service).spec as Container).selector).toEqual(
      (named(objects, 'Deployment', service).spec as Container).selector.matchLabels,
    );
    expect((named(objects, 'PodDisruptionBudget', service).spec as Container).selector.matchLabels).toEqual(
      (named(objects, 'Deployment', service).spec as Container).selector.matchLabels,
    );
    const job = podSpec(named(objects, 'Job', `${service}-migrations`));
    expect(job.containers[0].command.join(' ')).toContain('migrate.cli.js');
    expect(job.containers[0].image).toBe(podSpec(named(objects, 'Deployment', service)).containers[0].image);
  });

  it('autoscales the gateway on CPU and each consumer on its consumer group lag', () => {
    expect((named(objects, 'HorizontalPodAutoscaler', 'gateway').spec as Container).scaleTargetRef.name).toBe('gateway');
    for (const service of CONSUMERS) {
      const spec = named(objects, 'ScaledObject', service).spec as Container;
      expect(spec.scaleTargetRef.name).toBe(service);
      expect(spec.triggers[0]).toMatchObject({ type: 'kafka', metadata: { consumerGroup: service } });
      expect(spec.maxReplicaCount).toBeLessThanOrEqual(TOPIC_PARTITIONS);
    }
  });

  it('denies all traffic by default and lets only the gateway in from the ingress controller', () => {
    const policies = ofKind(objects, 'NetworkPolicy');
    const denyAll = named(objects, 'NetworkPolicy', 'default-deny-all').spec as Container;
    expect(denyAll).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const fromIngress = policies.filter((policy) => JSON.stringify((policy.spec as Container).ingress ?? []).includes('ingress-nginx'));
    expect(fromIngress.map((policy) => policy.metadata.name)).toEqual(['gateway']);
    for (const service of SERVICES) expect(named(objects, 'NetworkPolicy', service)).toBeDefined();
    const notificationEgress = JSON.stringify((named(objects, 'NetworkPolicy', 'notification-service').spec as Container).egress);
    expect(notificationEgress).toContain('"port":443');
    expect(notificationEgress).toContain('10.0.0.0/8');
  });

  it('declares every topic of the contracts library as a Strimzi KafkaTopic', () => {
    const topics = ofKind(objects, 'KafkaTopic').map((topic) => topic.spec as Container);
    expect(topics.map((topic) => topic.topicName).sort()).toEqual([...allTopics()].sort());
    for (const topic of topics) expect(topic.partitions).toBe(TOPIC_PARTITIONS);
  });

  it('gives each Kafka service a KafkaUser: Read on its consumer group, every topic one writer, every command and reply a reader', () => {
    const users = ofKind(objects, 'KafkaUser');
    expect(users.map((user) => user.metadata.name).sort()).toEqual([...CONSUMERS].sort());
    const writers = new Map<string, string[]>();
    const readers = new Map<string, string[]>();
    for (const user of users) {
      const spec = user.spec as Container;
      expect(spec.authentication).toEqual({ type: 'scram-sha-512' });
      const acls = spec.authorization.acls as Container[];
      expect(acls).toContainEqual({ resource: { type: 'group', name: user.metadata.name, patternType: 'literal' }, operations: ['Read'] });
      expect(acls.filter((acl) => acl.resource.type === 'group')).toHaveLength(1);
      for (const acl of acls.filter((rule) => rule.resource.type === 'topic')) {
        expect(acl.resource.patternType).toBe('literal');
        for (const operation of acl.operations) {
          const holders = operation === 'Write' ? writers : operation === 'Read' ? readers : undefined;
          if (!holders) throw new Error(`KafkaUser/${user.metadata.name}: ${operation} on ${acl.resource.name} is more than a service needs`);
          holders.set(acl.resource.name, [...(holders.get(acl.resource.name) ?? []), user.metadata.name]);
        }
      }
    }
    const deadLetters = new Set<string>(Object.values(TOPICS.deadLetter));
    for (const topic of allTopics()) {
      expect({ topic, writers: writers.get(topic)?.length }).toEqual({ topic, writers: 1 });
      // Events may be for consumers outside the platform (WebhookDeliveryFailed has none inside); a command or reply nobody reads stalls the saga.
      if (/\.(command|reply)\./.test(topic)) expect({ topic, read: (readers.get(topic)?.length ?? 0) > 0 }).toEqual({ topic, read: true });
    }
    // A dead-letter topic is written by the service that owns it: <owner>.deadletter.* by <owner>-service.
    for (const topic of deadLetters) expect(writers.get(topic)).toEqual([`${topic.split('.')[0]}-service`]);
    expect([...writers.keys(), ...readers.keys()].filter((topic) => !allTopics().includes(topic as never))).toEqual([]);
  });

  it.each(CONSUMERS)('connects %s over TLS with SCRAM as its KafkaUser, and KEDA reads its lag the same way', (service) => {
    const config = ofKind(objects, 'ConfigMap').find((map) => map.metadata.name.startsWith(`${service}-config-`))?.data as Record<string, string>;
    expect(config).toMatchObject({
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: service,
      KAFKA_SSL_CA_FILE: '/etc/order-saga/kafka-ca/ca.crt',
      KAFKA_BROKERS: 'order-saga-kafka-bootstrap.kafka.svc:9093',
    });
    const pod = podSpec(named(objects, 'Deployment', service));
    const container = pod.containers[0];
    expect(container.env).toContainEqual({ name: 'KAFKA_SASL_PASSWORD', valueFrom: { secretKeyRef: { name: service, key: 'password' } } });
    const caMount = container.volumeMounts.find((mount: Container) => config.KAFKA_SSL_CA_FILE.startsWith(`${mount.mountPath}/`));
    expect(pod.volumes.find((volume: Container) => volume.name === caMount.name).secret).toMatchObject({ secretName: 'order-saga-cluster-ca-cert' });

    const [trigger] = (named(objects, 'ScaledObject', service).spec as Container).triggers;
    expect(trigger.metadata).toMatchObject({ bootstrapServers: config.KAFKA_BROKERS, sasl: 'scram_sha512', tls: 'enable' });
    const auth = named(objects, 'TriggerAuthentication', trigger.authenticationRef.name).spec as Container;
    expect(auth.env).toEqual(
      expect.arrayContaining([
        { parameter: 'username', name: 'KAFKA_SASL_USERNAME' },
        { parameter: 'password', name: 'KAFKA_SASL_PASSWORD' },
      ]),
    );
    expect(auth.secretTargetRef).toEqual([{ parameter: 'ca', name: 'order-saga-cluster-ca-cert', key: 'ca.crt' }]);
    const kafkaEgress = ((named(objects, 'NetworkPolicy', service).spec as Container).egress as Container[]).find((rule) =>
      JSON.stringify(rule.to ?? []).includes('strimzi.io/cluster'),
    );
    expect(kafkaEgress?.ports).toEqual([{ protocol: 'TCP', port: 9093 }]);
  });

  it('has prometheus-operator scrape every Service on its named http port at /metrics', () => {
    const spec = named(objects, 'ServiceMonitor', 'order-saga').spec as Container;
    const [endpoint] = spec.endpoints;
    expect(endpoint).toMatchObject({ port: 'http', path: '/metrics', honorLabels: true });
    const selected = ofKind(objects, 'Service').filter((service) =>
      Object.entries(spec.selector.matchLabels as Record<string, string>).every(([key, value]) => service.metadata.labels?.[key] === value),
    );
    expect(selected.map((service) => service.metadata.name).sort()).toEqual([...SERVICES].sort());
    for (const service of selected) expect(((service.spec as Container).ports as Container[]).map((port) => port.name)).toContain('http');
  });

  it('ships alert rules for stuck sagas, dead letters, webhook failures and the latency SLA', () => {
    const rules = ((named(objects, 'PrometheusRule', 'order-saga').spec as Container).groups as Container[]).flatMap((group) => group.rules);
    expect(rules.map((rule: Container) => rule.alert)).toEqual(
      expect.arrayContaining(['OrderSagaStuck', 'OrderSagaDeadLettersGrowing', 'WebhookFailureRateHigh', 'GatewayP99OverSla']),
    );
  });
});

describe('environment differences', () => {
  // Generated ConfigMaps carry a content hash in their name (gateway-config-<hash>).
  const gatewayConfig = (overlay: (typeof OVERLAYS)[number]) =>
    ofKind(rendered[overlay], 'ConfigMap').find((map) => map.metadata.name.startsWith('gateway-config-'))?.data as Record<string, string>;
  const defaults = Object.fromEntries(serviceConfigVars('gateway').map((variable) => [variable.name, Number(variable.defaultText?.replace(/_/g, ''))]));

  it('gives sandbox 10x the default rate limits and staging the defaults', () => {
    const perMinute = Object.keys(defaults).filter((name) => /^RATE_LIMIT_.*_PER_(MINUTE|DAY)$/.test(name));
    expect(perMinute.length).toBeGreaterThanOrEqual(4);
    for (const name of perMinute) {
      expect(Number(gatewayConfig('sandbox')[name])).toBe(defaults[name] * 10);
      expect(gatewayConfig('staging')[name]).toBeUndefined();
    }
  });

  it('replicates production topics three times and runs more replicas there', () => {
    for (const topic of ofKind(rendered.production, 'KafkaTopic')) expect((topic.spec as Container).replicas).toBe(3);
    for (const service of SERVICES) expect((named(rendered.production, 'Deployment', service).spec as Container).replicas).toBeGreaterThanOrEqual(3);
    expect((named(rendered.production, 'HorizontalPodAutoscaler', 'gateway').spec as Container).minReplicas).toBeGreaterThanOrEqual(3);
  });

  it("lets External Secrets Operator create every referenced Secret in staging and production (Strimzi the Kafka users' own), not in sandbox", () => {
    expect(ofKind(rendered.sandbox, 'ExternalSecret')).toEqual([]);
    for (const overlay of ['staging', 'production'] as const) {
      const objects = rendered[overlay];
      const referenced = new Set<string>();
      for (const workload of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')]) {
        const pod = podSpec(workload);
        for (const container of pod.containers) {
          for (const variable of container.env ?? [])
            if (variable.valueFrom?.secretKeyRef) referenced.add(`${variable.valueFrom.secretKeyRef.name}/${variable.valueFrom.secretKeyRef.key}`);
        }
        for (const volume of pod.volumes ?? []) if (volume.secret) referenced.add(`${volume.secret.secretName}/*`);
      }
      // Strimzi's User Operator makes each KafkaUser's Secret, of the same name, holding `password`.
      const created = new Set<string>(ofKind(objects, 'KafkaUser').flatMap((user) => [`${user.metadata.name}/password`, `${user.metadata.name}/*`]));
      for (const external of ofKind(objects, 'ExternalSecret')) {
        const spec = external.spec as Container;
        expect(spec.secretStoreRef).toEqual({ kind: 'ClusterSecretStore', name: `order-saga-${overlay}` });
        for (const item of spec.data) created.add(`${spec.target.name}/${item.secretKey}`).add(`${spec.target.name}/*`);
      }
      expect([...referenced].filter((reference) => !created.has(reference))).toEqual([]);
    }
  });

  it('puts each environment in its own namespace', () => {
    for (const overlay of OVERLAYS) expect(new Set(rendered[overlay].map((object) => object.metadata.namespace))).toEqual(new Set([`order-saga-${overlay}`]));
  });
});

describe('the checks themselves', () => {
  it('reject an object that breaks its schema', async () => {
    const deployment = structuredClone(named(rendered.production, 'Deployment', 'gateway'));
    (deployment.spec as Container).replicas = 'three';
    delete podSpec(deployment).containers[0].name;
    const errors = await schemaErrors(deployment);
    expect(errors.join('\n')).toMatch(/replicas must be integer/);
    expect(errors.join('\n')).toMatch(/required property name/);
  });

  it('reject a KafkaTopic with a misspelt or impossible spec', async () => {
    const topic = structuredClone(ofKind(rendered.production, 'KafkaTopic')[0]);
    (topic.spec as Container).partitions = 0;
    (topic.spec as Container).replica = 3;
    expect((await schemaErrors(topic)).join('\n')).toMatch(
      /partitions must be >= 1[\s\S]*additional properties|additional properties[\s\S]*partitions must be >= 1/,
    );
  });

  it('reject a ServiceMonitor and an ExternalSecret with misspelt or impossible fields', async () => {
    const monitor = structuredClone(named(rendered.production, 'ServiceMonitor', 'order-saga'));
    ((monitor.spec as Container).endpoints[0] as Container).honorLabels = 'yes';
    expect((await schemaErrors(monitor)).join('\n')).toMatch(/honorLabels must be boolean/);
    const external = structuredClone(ofKind(rendered.production, 'ExternalSecret')[0]);
    (external.spec as Container).secretStoreRef.kind = 'SecretStores';
    const remoteRef = (external.spec as Container).data[0].remoteRef;
    remoteRef.keys = remoteRef.key;
    delete remoteRef.key;
    const errors = (await schemaErrors(external)).join('\n');
    expect(errors).toMatch(/secretStoreRef\/kind must be equal to one of the allowed values/);
    expect(errors).toMatch(/remoteRef must have required property 'key'/);
    expect(errors).toMatch(/must NOT have additional properties/);
  });

  it('reject a KafkaUser with a misspelt ACL operation, a nameless topic and an unknown authentication', async () => {
    const user = structuredClone(named(rendered.production, 'KafkaUser', 'order-service'));
    const acls = (user.spec as Container).authorization.acls as Container[];
    acls[0].operations = ['Reads'];
    delete acls[1].resource.name;
    (user.spec as Container).authentication.type = 'scram-sha-256';
    const errors = (await schemaErrors(user)).join('\n');
    expect(errors).toMatch(/acls\/0\/operations\/0 must be equal to one of the allowed values/);
    expect(errors).toMatch(/acls\/1\/resource must have required property 'name'/);
    expect(errors).toMatch(/authentication\/type must be equal to one of the allowed values/);
  });

  it('reject a kind nobody validates', async () => {
    expect(await schemaErrors({ apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'x' } })).toEqual([
      'Gadget/x: no schema known for example.com/v1/Gadget',
    ]);
  });

  it('fail on a kustomization that does not render', () => {
    const dir = mkdtempSync(join(tmpdir(), 'deploy-check-'));
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n  - missing.yaml\n');
    expect(() => renderKustomization(dir)).toThrow(/missing\.yaml/);
  });
});
