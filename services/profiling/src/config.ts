import { Topics } from '@adtrace/schemas';
import {
  intSetting,
  readServiceEnv,
  type ServiceEnv,
  type StreamConfig,
  toConfig as toStreamConfig,
} from '@adtrace/stream';

export interface ProfilingConfig {
  /**
   * The runtime's knobs (PROFILING_BATCH_SIZE, …). Exactly-once by default: a ProfiledRequest
   * written twice after a crash would be a second auction of one request.
   */
  readonly stream: StreamConfig;
  /** Consumer group, dead-letter stage and transactional id prefix. */
  readonly group: string;
  /**
   * adtrace.bid-requests → adtrace.profiled-requests, with the segments global table read from
   * adtrace.segments, unless a test or a staging run says otherwise.
   */
  readonly topics: { readonly requests: string; readonly profiled: string; readonly segments: string };
  /** Users whose built profile is kept in memory (0: no cache). */
  readonly cacheSize: number;
}

const NAMES = [
  'PROFILING_GROUP',
  'PROFILING_REQUESTS_TOPIC',
  'PROFILING_PROFILED_TOPIC',
  'PROFILING_SEGMENTS_TOPIC',
  'PROFILING_CACHE_SIZE',
] as const;
export type ProfilingEnv = ServiceEnv<(typeof NAMES)[number]>;

/** Step one: PROFILING_* and KAFKA_BROKERS, unparsed. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): ProfilingEnv {
  return readServiceEnv('PROFILING', NAMES, env);
}

/** Step two: check and apply defaults; a wrong value throws a ConfigError naming the variable. */
export function toConfig(env: ProfilingEnv): ProfilingConfig {
  return {
    stream: toStreamConfig({ mode: 'exactly-once', ...env.stream }),
    group: env.PROFILING_GROUP ?? 'profiling',
    topics: {
      requests: env.PROFILING_REQUESTS_TOPIC ?? Topics.bidRequests,
      profiled: env.PROFILING_PROFILED_TOPIC ?? Topics.profiledRequests,
      segments: env.PROFILING_SEGMENTS_TOPIC ?? Topics.segments,
    },
    cacheSize: int(env, 'PROFILING_CACHE_SIZE', 10_000, 0, 10_000_000),
  };
}

function int(env: ProfilingEnv, name: (typeof NAMES)[number], fallback: number, min: number, max: number): number {
  return intSetting(env[name], name, fallback, min, max);
}
