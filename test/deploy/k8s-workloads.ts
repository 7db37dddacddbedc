// The workload objects of deploy/k8s/: one Deployment and one PodDisruptionBudget per registered
// service, and the Job that creates the topics. Everything a pod needs comes from the registry
// entry (health port and its variable, metrics port, secrets) plus k8s-config.ts.
import type { ServiceEntry } from '@adtrace/cli';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import type { IContainer, IEnvVar, IProbe, ISecurityContext } from 'kubernetes-models/v1';
import { CONFIG_MAP, IMAGE, k8sExtras, secretNameOf, secretsOf, sharedConfig } from './k8s-config.ts';

const labelsOf = (name: string) => ({ 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'adtrace' });

// The image's `node` user; nothing in a service writes to its file system.
const securityContext: ISecurityContext = {
  runAsNonRoot: true,
  runAsUser: 1000,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

const fromConfig = (name: string): IEnvVar => ({
  name,
  valueFrom: { configMapKeyRef: { name: CONFIG_MAP, key: name } },
});

function envOf(s: ServiceEntry): IEnvVar[] {
  return [
    { name: 'ADTRACE_SERVICE', value: s.name },
    { name: 'OTEL_SERVICE_NAME', value: s.name },
    // service.instance.id: the pod's name, unique among live pods (packages/telemetry README).
    { name: 'ADTRACE_INSTANCE_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: s.ready.portVar, value: String(s.ready.port) },
    { name: 'ADTRACE_METRICS_PORT', value: String(s.metricsPort) },
    ...Object.keys(sharedConfig).map(fromConfig),
    ...Object.entries(k8sExtras[s.name]?.env ?? {}).map(([name, value]) => ({ name, value })),
    ...secretsOf(s).map((name) => ({ name, valueFrom: { secretKeyRef: { name: secretNameOf(s.name), key: name } } })),
  ];
}

const probe = (path: string, periodSeconds: number, failureThreshold: number): IProbe => ({
  httpGet: { path, port: 'health' },
  periodSeconds,
  failureThreshold,
  timeoutSeconds: 3,
});

function containerOf(s: ServiceEntry): IContainer {
  const extras = k8sExtras[s.name] ?? {};
  return {
    name: s.name,
    image: IMAGE,
    env: envOf(s),
    ports: [
      { name: 'health', containerPort: s.ready.port, protocol: 'TCP' },
      { name: 'metrics', containerPort: s.metricsPort, protocol: 'TCP' },
      ...(extras.servicePorts ?? []).map((p) => ({ name: p.name, containerPort: p.port, protocol: 'TCP' as const })),
    ],
    // /healthz is live until a crash; /readyz once joined, tables caught up and stores restored,
    // which can take minutes for a big changelog: the startup probe gives it 10.
    startupProbe: probe('/healthz', 5, 120),
    livenessProbe: probe('/healthz', 10, 3),
    readinessProbe: probe('/readyz', 5, 3),
    resources: {
      requests: { cpu: extras.cpuRequest ?? '250m', memory: extras.memoryRequest ?? '256Mi' },
      // No CPU limit: throttling a consumer stretches its chunks toward the session timeout.
      limits: { memory: extras.memoryLimit ?? '512Mi' },
    },
    securityContext,
  };
}

export function deploymentOf(s: ServiceEntry): Deployment {
  const labels = labelsOf(s.name);
  return new Deployment({
    metadata: { name: s.name, labels },
    spec: {
      replicas: k8sExtras[s.name]?.replicas ?? 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': s.name } },
      // A new pod must be ready (joined, restored) before an old one leaves: one rebalance at a time.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: {
        metadata: {
          labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(s.metricsPort),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          // SIGTERM drains: the in-flight chunk commits (≤ 30 s), then telemetry flushes.
          terminationGracePeriodSeconds: 60,
          // Kubernetes would put WAREHOUSE_PORT=tcp://… and the like (one per Service in the
          // namespace) into our variables' namespaces; our config is the manifest's env only.
          enableServiceLinks: false,
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { 'app.kubernetes.io/name': s.name } },
            },
          ],
          containers: [containerOf(s)],
        },
      },
    },
  });
}

export function disruptionBudgetOf(s: ServiceEntry): PodDisruptionBudget {
  return new PodDisruptionBudget({
    metadata: { name: s.name, labels: labelsOf(s.name) },
    spec: { maxUnavailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': s.name } } },
  });
}

/** `adtrace topics create`: what compose's kafka-init does; services wait for their topics. */
export function topicsJob(): Job {
  return new Job({
    metadata: { name: 'topics', labels: labelsOf('topics') },
    spec: {
      backoffLimit: 20,
      // A Job's pod template is immutable: gone after ten minutes, the next apply (a new image)
      // creates it again instead of failing, and creates the topics a release added.
      ttlSecondsAfterFinished: 600,
      template: {
        metadata: { labels: labelsOf('topics') },
        spec: {
          restartPolicy: 'OnFailure',
          enableServiceLinks: false,
          containers: [
            {
              name: 'topics',
              image: IMAGE,
              command: ['node', 'packages/cli/src/main.ts', 'topics', 'create'],
              env: [fromConfig('KAFKA_BROKERS')],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              securityContext,
            },
          ],
        },
      },
    },
  });
}
