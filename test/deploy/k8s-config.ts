// What deploy/k8s/ needs beyond the service registry: names, the image, the shared ConfigMap,
// and per-service extras. A service without an entry in k8sExtras gets the defaults.
import type { ServiceEntry } from '@adtrace/cli';

export const NAMESPACE = 'adtrace';
export const CONFIG_MAP = 'adtrace-config';
/** The image deploy/Dockerfile builds; kustomization.yaml's `images` sets the registry and tag. */
export const IMAGE = 'adtrace/adtrace:0.1.0';

/** What a cluster needs beyond the registry; a service without an entry gets the defaults. */
export interface K8sExtras {
  readonly replicas?: number;
  readonly cpuRequest?: string;
  readonly memoryRequest?: string;
  readonly memoryLimit?: string;
  /** Secrets that `adtrace up` cannot make (a database URL), beside the registry's own. */
  readonly secrets?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Ports a Service exposes to other workloads, beyond health and metrics. */
  readonly servicePorts?: readonly { readonly name: string; readonly port: number; readonly appProtocol?: string }[];
}

export const k8sExtras: Readonly<Record<string, K8sExtras>> = {
  // One replica: it runs the warehouse's schema migrations at start-up (see docs/scaling.md).
  warehouse: {
    replicas: 1,
    cpuRequest: '500m',
    memoryRequest: '1Gi',
    memoryLimit: '2Gi',
    secrets: ['WAREHOUSE_URL'],
    env: { WAREHOUSE_HOST: '0.0.0.0' },
    servicePorts: [
      { name: 'otlp-grpc', port: 4317, appProtocol: 'grpc' },
      { name: 'api', port: 8686, appProtocol: 'http' },
    ],
  },
};

/** The variables every pod reads from the ConfigMap (values are placeholders to overwrite). */
export const sharedConfig: Readonly<Record<string, string>> = {
  KAFKA_BROKERS: 'kafka-bootstrap.kafka.svc:9092',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.observability.svc:4317',
  // Prometheus scrapes the pod IP; the telemetry binds 127.0.0.1 unless told otherwise.
  ADTRACE_METRICS_HOST: '0.0.0.0',
  ADTRACE_TRACE_SAMPLE_RATIO: '1.0',
};

export const secretNameOf = (service: string) => `${service}-secrets`;
export const secretsOf = (s: ServiceEntry) => [...(s.secrets ?? []), ...(k8sExtras[s.name]?.secrets ?? [])];
