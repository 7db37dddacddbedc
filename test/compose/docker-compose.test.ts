// docker-compose.yml cannot run on machines without Docker (CI's included), so its structure is
// checked here: every part present, healthchecks, healthy-dependencies, no cycles, the same
// Kafka version as the local broker, and one entry per registered pipeline service.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { listServices, serviceRegistry, unregisteredServiceFolders } from '@adtrace/cli';
import { brokerTuning, localKafkaConfig, pomKafkaVersion } from '@adtrace/cli/local-kafka';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number>;
  healthcheck?: { test?: unknown; disable?: boolean };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

const root = join(import.meta.dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const hasHealthcheck = (s: ComposeService) => Boolean(s.healthcheck?.test) && !s.healthcheck?.disable;

describe('docker-compose.yml', () => {
  it('has Kafka, the collector, Jaeger, PostgreSQL and the topic initializer', () => {
    for (const name of ['kafka', 'kafka-init', 'otel-collector', 'jaeger', 'postgres']) {
      expect(services, name).toHaveProperty(name);
    }
  });

  it('runs Kafka in KRaft mode with the local broker’s version', () => {
    const kafka = services.kafka!;
    expect(kafka.image).toBe(`apache/kafka:${pomKafkaVersion(localKafkaConfig())}`);
    expect(kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(kafka.environment?.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe(1);
    expect(kafka.environment?.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR).toBe(1);
  });

  it('tunes Kafka as the local broker is tuned (deploy/kafka/server.properties)', () => {
    const env = services.kafka!.environment ?? {};
    const tuning = brokerTuning(localKafkaConfig().deployDir);
    expect(Object.keys(tuning)).toContain('KAFKA_GROUP_COORDINATOR_APPEND_LINGER_MS');
    for (const [name, value] of Object.entries(tuning)) expect(String(env[name]), name).toBe(value);
  });

  it('has one entry per pipeline service, each with a readiness healthcheck', () => {
    for (const name of listServices()) {
      const entry = services[name];
      expect(entry, `services/${name} has no compose entry`).toBeDefined();
      expect(entry?.environment?.ADTRACE_SERVICE).toBe(name);
      expect(String(entry?.environment?.ADTRACE_HEALTH_URL)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(hasHealthcheck(entry!), `${name} healthcheck`).toBe(true);
    }
  });

  it('runs only registered services, each on ports of its own', () => {
    // One place registers a service (packages/cli/src/service-registry.ts): adtrace up, start
    // and this file follow it. A service folder it does not list would be silently never run.
    expect(unregisteredServiceFolders(), 'services/<name>/src/main.ts not in the service registry').toEqual([]);
    for (const s of serviceRegistry) {
      expect(existsSync(join(root, 'services', s.name, 'src', 'main.ts')), `services/${s.name}/src/main.ts`).toBe(true);
    }
    const ports = serviceRegistry.flatMap((s) => [s.ready.port, s.metricsPort]);
    expect(new Set(ports).size, `ports ${ports.join(', ')}`).toBe(ports.length);
  });

  it('gives every image it builds or pulls a healthcheck, except the ones that cannot probe themselves', () => {
    const withoutProbe = new Set(['otel-collector', 'jaeger', 'kafka-init']);
    for (const [name, s] of Object.entries(services)) {
      expect(Boolean(s.image) || Boolean(s.build), `${name} has an image or a build`).toBe(true);
      if (!withoutProbe.has(name)) expect(hasHealthcheck(s), `${name} healthcheck`).toBe(true);
    }
  });

  it('waits for healthy dependencies where they have a healthcheck, and has no cycle', () => {
    const valid = ['service_healthy', 'service_started', 'service_completed_successfully'];
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services, `${name} depends on unknown ${dep}`).toHaveProperty(dep);
        expect(valid).toContain(condition);
        if (hasHealthcheck(services[dep]!)) expect(condition, `${name} → ${dep}`).toBe('service_healthy');
      }
    }
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (name: string, path: string[]): void => {
      if (done.has(name)) return;
      if (visiting.has(name)) throw new Error(`dependency cycle: ${[...path, name].join(' → ')}`);
      visiting.add(name);
      for (const dep of Object.keys(services[name]?.depends_on ?? {})) visit(dep, [...path, name]);
      visiting.delete(name);
      done.add(name);
    };
    for (const name of Object.keys(services)) expect(() => visit(name, [])).not.toThrow();
  });

  it('mounts files that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const volume of s.volumes ?? []) {
        const host = volume.split(':')[0]!;
        if (host.startsWith('.')) expect(existsSync(join(root, host)), `${name}: ${host}`).toBe(true);
      }
    }
    expect(existsSync(join(root, 'deploy', 'Dockerfile'))).toBe(true);
  });
});
