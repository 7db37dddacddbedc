export { bufferGetter, findHeader, overwriteSetter } from './carrier.ts';
export { changelogTopic } from './changelog.ts';
export { type Action, classify, type Stage, type Verdict } from './classify.ts';
export {
  BACKGROUND_LINGER_MS,
  readEnv,
  type StreamConfig,
  type StreamEnv,
  streamVariables,
  toConfig,
} from './config.ts';
// The process's CPU ledger: a service's own work outside hops (the warehouse's loads) measured in it too.
export { CpuPhase } from './cpu-account.ts';
// How long an exactly-once member's next transaction waits for the last one's markers (benches measure it).
export { AFTER_TRANSACTION_PAUSE_MS } from './deliver-exactly-once.ts';
export { ConfigError, HopCrashedError, RejectedError, StreamError, TransientError } from './errors.ts';
export { eventIdOf } from './event-context.ts';
export { FanInAttr, type FanInOptions, startFanInSpan } from './fan-in.ts';
export { type GlobalTable, type GlobalTableOptions, openGlobalTable } from './global-table.ts';
export { DeadLetterHeaders, Headers } from './headers.ts';
export { createHop, type Hop, type HopOptions } from './hop.ts';
export { behindAfter, kafkajsPort } from './kafka/kafkajs.ts';
export { platformaticPort } from './kafka/platformatic.ts';
export type {
  AdminPort,
  BatchPort,
  FetchedRecord,
  KafkaPort,
  KafkaPortFactory,
  OutMessage,
  PartitionOffset,
  PortSettings,
  ProducerPort,
  RecordHeaders,
  TopicMessages,
  TransactionPort,
} from './kafka/port.ts';
export { unwrapInstrumentation } from './kafka/unwrap.ts';
export { LateHeaders } from './late.ts';
export type { Dedupe } from './process-message.ts';
export { runUntilSignal } from './run.ts';
export {
  checkSettingNames,
  intSetting,
  readServiceEnv,
  readSettings,
  type ServiceEnv,
  secretSetting,
} from './settings.ts';
export {
  createSink,
  type Sink,
  type SinkContext,
  type SinkInput,
  type SinkOptions,
  type SinkRecord,
  type SinkWrite,
} from './sink.ts';
export { jsonStore } from './store-codecs.ts';
export { runSuppressed, suppressTracing } from './suppress.ts';
export type {
  Consumed,
  DeliveryMode,
  Emit,
  Handler,
  HandlerContext,
  InputMessage,
  InputSpec,
  InputSpecs,
  KeyValueStore,
  Log,
  LogLevel,
  OutputSpec,
  OutputSpecs,
  Punctuation,
  ReadonlyTable,
  RecordMeta,
  SchemaIdentity,
  StoreSpec,
  StoreSpecs,
  TableSpec,
  TableSpecs,
  TaskContext,
  TimerEvent,
  WindowEvent,
  WindowSpec,
  WindowSpecs,
  WindowStore,
} from './types.ts';
