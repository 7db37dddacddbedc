export { withAdmin } from './admin.ts';
export { acquireBroker, type BrokerLease, brokerAnswers } from './broker-lease.ts';
export { kafkaBrokers, usesExternalKafka } from './kafka-env.ts';
export { ensureKafkaJars, localKafkaConfig } from './local-kafka/index.ts';
export { logsDir, runDir, stateDir, workspaceRoot } from './paths.ts';
export { type RequestFate, requestFate, type SentRequest } from './pipeline/demo-summary.ts';
export { type ServiceEntry, serviceRegistry } from './service-registry.ts';
export {
  listServices,
  readinessUrl,
  servicePorts,
  serviceState,
  startService,
  stopService,
  unregisteredServiceFolders,
} from './services.ts';
export { createTopics, ensureTopics } from './topics.ts';
export { isTransient, transientReason } from './transient.ts';
