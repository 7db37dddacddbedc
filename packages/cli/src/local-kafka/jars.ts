import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalKafkaConfig } from './config.ts';

const run = promisify(execFile);

/** The Kafka version the pom in deploy/kafka names: what the local broker runs. */
export function pomKafkaVersion(cfg: LocalKafkaConfig): string {
  const pom = readFileSync(join(cfg.deployDir, 'pom.xml'), 'utf8');
  const match = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom);
  if (!match?.[1]) throw new Error(`no <kafka.version> in ${join(cfg.deployDir, 'pom.xml')}`);
  return match[1];
}

function pomDigest(cfg: LocalKafkaConfig): string {
  return createHash('sha256')
    .update(readFileSync(join(cfg.deployDir, 'pom.xml')))
    .digest('hex');
}

/** The version of the broker jar actually in libs/, or undefined when none is there. */
export function installedKafkaVersion(cfg: LocalKafkaConfig): string | undefined {
  if (!existsSync(cfg.libsDir)) return undefined;
  for (const name of readdirSync(cfg.libsDir)) {
    const match = /^kafka_2\.13-(.+)\.jar$/.exec(name);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * Copies the broker's runtime closure from Maven Central into libs/ unless the jars of the
 * current pom are already there. Needs Java 17+ and Maven on PATH.
 */
export async function ensureKafkaJars(
  cfg: LocalKafkaConfig,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  const marker = join(cfg.libsDir, '.pom-sha256');
  const digest = pomDigest(cfg);
  if (existsSync(marker) && readFileSync(marker, 'utf8') === digest && installedKafkaVersion(cfg)) return;
  for (const tool of ['java', 'mvn']) {
    try {
      await run(tool, ['-version']);
    } catch {
      throw new Error(
        `the local Kafka broker needs ${tool} (Java 17+ and Maven) on PATH; or set KAFKA_BROKERS to a running cluster`,
      );
    }
  }
  log(`fetching Apache Kafka ${pomKafkaVersion(cfg)} jars from Maven Central into ${cfg.libsDir}`);
  rmSync(cfg.libsDir, { recursive: true, force: true });
  await run(
    'mvn',
    [
      '-q',
      '-B',
      '-f',
      join(cfg.deployDir, 'pom.xml'),
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${cfg.libsDir}`,
    ],
    { maxBuffer: 64 * 1024 * 1024, signal },
  );
  writeFileSync(marker, digest);
}
