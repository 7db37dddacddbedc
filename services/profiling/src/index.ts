export { type ProfilingConfig, type ProfilingEnv, readEnv, toConfig } from './config.ts';
export { createProfiler, type Profiler, type SegmentsTable } from './profile-cache.ts';
export { createProfiling, type ProfilingOptions, type ProfilingTopics, USER_KEY_ATTRIBUTE } from './profiling-hop.ts';
