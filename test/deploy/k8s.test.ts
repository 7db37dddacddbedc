// deploy/k8s/ cannot be applied here (no cluster), so it is checked offline: every object against
// the Kubernetes schema of its kind (kubernetes-models' validators), every registered service
// present with its probes on its health port, config and secrets from where they belong, pinned
// images, and the files equal to what the registry renders (a new service cannot be forgotten).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serviceRegistry } from '@adtrace/cli';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, type IContainer, type IProbe, Namespace, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CONFIG_MAP, secretNameOf } from './k8s-config.ts';
import { renderK8s } from './k8s-render.ts';

const dir = join(import.meta.dirname, '..', '..', 'deploy', 'k8s');
type Doc = { apiVersion: string; kind: string; metadata: { name: string }; [k: string]: unknown };

const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const docsOf = (file: string): Doc[] =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => {
    if (d.errors.length) throw new Error(`${file}: ${d.errors.join('; ')}`);
    return d.toJS() as Doc;
  });
const kustomization = docsOf('kustomization.yaml')[0] as Doc & {
  resources: string[];
  images: { name: string; newTag: string }[];
};
const objects = kustomization.resources.flatMap((f) => docsOf(f).map((doc) => ({ file: f, doc })));
const find = (kind: string, name: string) =>
  objects.find((o) => o.doc.kind === kind && o.doc.metadata.name === name)?.doc;

// A model per apiVersion/kind: constructing it and calling validate() runs the generated schema.
const models: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
};
const validate = (doc: Doc) => {
  const Model = models[`${doc.apiVersion}/${doc.kind}`];
  if (!Model) throw new Error(`no schema for ${doc.apiVersion} ${doc.kind}`);
  new Model(doc as never).validate();
};

const containersOf = (doc: Doc): IContainer[] => {
  const spec = (doc.spec ?? {}) as { template?: { spec: { containers: IContainer[]; initContainers?: IContainer[] } } };
  return [...(spec.template?.spec.containers ?? []), ...(spec.template?.spec.initContainers ?? [])];
};
/** A probe's port as a number: named ports resolve through the container's ports. */
const probePort = (c: IContainer, p: IProbe | undefined) => {
  const port = p?.httpGet?.port;
  return typeof port === 'string' ? c.ports?.find((q) => q.name === port)?.containerPort : port;
};

describe('deploy/k8s', () => {
  it('is what the service registry renders (node test/deploy/k8s-render.ts --write)', () => {
    const rendered = renderK8s();
    for (const [name, text] of rendered) {
      expect(existsSync(join(dir, name)), `deploy/k8s/${name} missing`).toBe(true);
      expect(readFileSync(join(dir, name), 'utf8'), `deploy/k8s/${name} is stale`).toBe(text);
    }
    expect(
      files.filter((f) => !rendered.has(f)),
      'files the renderer does not make',
    ).toEqual([]);
    expect([...kustomization.resources, 'kustomization.yaml'].sort()).toEqual([...files].sort());
  });

  it('validates every object against the Kubernetes schema of its kind', () => {
    expect(objects.length).toBeGreaterThan(serviceRegistry.length);
    for (const { file, doc } of objects)
      expect(() => validate(doc), `${file}: ${doc.kind} ${doc.metadata.name}`).not.toThrow();
  });

  it('the validation can fail: a wrong type, a missing container name, a bad probe port', () => {
    const ingest = find('Deployment', 'ingest')!;
    const broken = (
      edit: (d: { spec: Record<string, unknown> & { template: { spec: { containers: IContainer[] } } } }) => void,
    ) => {
      const copy = structuredClone(ingest) as never;
      edit(copy);
      return () => validate(copy);
    };
    expect(
      broken((d) => {
        d.spec.replicas = 'two';
      }),
    ).toThrow(/replicas must be integer/);
    expect(broken((d) => void delete (d.spec.template.spec.containers[0] as Partial<IContainer>).name)).toThrow(/name/);
    expect(
      broken((d) => {
        d.spec.template.spec.containers[0]!.livenessProbe!.httpGet!.port = {} as never;
      }),
    ).toThrow(/livenessProbe\/httpGet\/port/);
  });

  it('runs every registered service, probed on its health port, scraped on its metrics port', () => {
    const deployments = objects.filter((o) => o.doc.kind === 'Deployment').map((o) => o.doc.metadata.name);
    expect(deployments.sort()).toEqual(serviceRegistry.map((s) => s.name).sort());
    for (const s of serviceRegistry) {
      const doc = find('Deployment', s.name)!;
      const [c] = containersOf(doc);
      const env = new Map(c!.env?.map((e) => [e.name, e]));
      expect(env.get('ADTRACE_SERVICE')?.value, s.name).toBe(s.name);
      expect(env.get(s.ready.portVar)?.value, `${s.name} ${s.ready.portVar}`).toBe(String(s.ready.port));
      expect(probePort(c!, c!.readinessProbe), `${s.name} readiness port`).toBe(s.ready.port);
      expect(c!.readinessProbe?.httpGet?.path, `${s.name} readiness path`).toBe(s.ready.path);
      expect(probePort(c!, c!.livenessProbe), `${s.name} liveness port`).toBe(s.ready.port);
      expect(c!.livenessProbe?.httpGet?.path, `${s.name} liveness path`).toBe('/healthz');
      if (c!.startupProbe) expect(probePort(c!, c!.startupProbe), `${s.name} startup port`).toBe(s.ready.port);
      expect(env.get('ADTRACE_METRICS_PORT')?.value, `${s.name} metrics`).toBe(String(s.metricsPort));
      expect(c!.ports?.find((p) => p.name === 'metrics')?.containerPort).toBe(s.metricsPort);
      const annotations = (doc.spec as { template: { metadata: { annotations: Record<string, string> } } }).template
        .metadata.annotations;
      expect(annotations['prometheus.io/port'], `${s.name} scrape port`).toBe(String(s.metricsPort));
      expect(env.get('ADTRACE_INSTANCE_ID')?.valueFrom?.fieldRef?.fieldPath, `${s.name} instance id`).toBe(
        'metadata.name',
      );
      expect(
        c!.resources?.requests?.cpu && c!.resources?.requests?.memory && c!.resources?.limits?.memory,
      ).toBeTruthy();
      expect(find('PodDisruptionBudget', s.name), `${s.name} disruption budget`).toBeDefined();
      const pod = (doc.spec as { template: { spec: { enableServiceLinks?: boolean } } }).template.spec;
      expect(pod.enableServiceLinks, `${s.name}: service links would add WAREHOUSE_PORT=tcp://…`).toBe(false);
    }
  });

  it('takes Kafka and the collector from the ConfigMap, and every secret from a Secret', () => {
    const data = (find('ConfigMap', CONFIG_MAP) as unknown as { data: Record<string, string> }).data;
    for (const { file, doc } of objects) {
      for (const c of containersOf(doc)) {
        const names = c.env?.map((e) => e.name) ?? [];
        expect(new Set(names).size, `${file}: duplicate env`).toBe(names.length);
        for (const e of c.env ?? []) {
          const ref = e.valueFrom?.configMapKeyRef;
          if (ref) expect(data, `${file}: ${e.name} → ${ref.name}/${ref.key}`).toHaveProperty(ref.key);
        }
      }
    }
    for (const s of serviceRegistry) {
      const env = new Map(containersOf(find('Deployment', s.name)!)[0]!.env?.map((e) => [e.name, e]));
      for (const name of ['KAFKA_BROKERS', 'OTEL_EXPORTER_OTLP_ENDPOINT']) {
        expect(env.get(name)?.valueFrom?.configMapKeyRef?.name, `${s.name} ${name}`).toBe(CONFIG_MAP);
      }
      for (const secret of s.secrets ?? []) {
        const ref = env.get(secret)?.valueFrom?.secretKeyRef;
        expect(ref, `${s.name} ${secret} from a Secret`).toEqual({ name: secretNameOf(s.name), key: secret });
        expect(env.get(secret)?.value, `${s.name} ${secret} written in the manifest`).toBeUndefined();
      }
    }
  });

  it('gives the warehouse a Service for OTLP 4317 and the API 8686, and PostgreSQL from a Secret', () => {
    const service = find('Service', 'warehouse') as unknown as {
      spec: { ports: { port: number; targetPort: string }[] };
    };
    expect(service.spec.ports.map((p) => p.port).sort()).toEqual([4317, 8686]);
    const [c] = containersOf(find('Deployment', 'warehouse')!);
    for (const p of service.spec.ports) expect(c!.ports?.map((q) => q.name)).toContain(p.targetPort);
    const env = new Map(c!.env?.map((e) => [e.name, e]));
    expect(env.get('WAREHOUSE_URL')?.valueFrom?.secretKeyRef?.name).toBe(secretNameOf('warehouse'));
    expect(env.get('WAREHOUSE_HOST')?.value).toBe('0.0.0.0');
  });

  it('pins every image: a tag, never latest', () => {
    const images = objects.flatMap(({ doc }) => containersOf(doc).map((c) => c.image ?? ''));
    expect(images.length).toBeGreaterThan(serviceRegistry.length);
    for (const image of images) expect(image, image).toMatch(/^[^:@]+(:(?!latest$)[\w.-]+|@sha256:[0-9a-f]{64})$/);
    for (const { newTag } of kustomization.images) expect(newTag).not.toBe('latest');
    // kustomize's image override matches by name: one that matches nothing is silently ignored.
    const overridden = new Set(kustomization.images.map((i) => i.name));
    for (const image of images) expect(overridden, image).toContain(image.split(/[:@]/)[0]);
  });
});
