export { withAdmin } from './admin.ts';
export { kafkaBrokers, usesExternalKafka } from './kafka-env.ts';
export { logsDir, runDir, stateDir, workspaceRoot } from './paths.ts';
export { listServices, serviceState, startService, stopService } from './services.ts';
export { createTopics } from './topics.ts';
