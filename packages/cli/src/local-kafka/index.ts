export { type BrokerStatus, brokerStatus, type StartResult, startBroker, stopBroker } from './broker.ts';
export { type LocalKafkaConfig, localKafkaConfig } from './config.ts';
export { ensureKafkaJars, installedKafkaVersion, pomKafkaVersion } from './jars.ts';
export { brokerTuning } from './tuning.ts';
