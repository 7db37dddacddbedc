import type { KafkaPortFactory } from '../../src/index.ts';
import { kafkajsPort } from '../../src/kafka/kafkajs.ts';
import { platformaticPort } from '../../src/kafka/platformatic.ts';

/**
 * The client port the stream tests run on: ADTRACE_KAFKA_CLIENT=platformatic selects
 * @platformatic/kafka, anything else (or nothing) the default kafkajs. Child hops inherit the
 * variable, so one suite run exercises one port end to end.
 */
export function testKafkaClient(): KafkaPortFactory {
  const name = process.env.ADTRACE_KAFKA_CLIENT ?? 'kafkajs';
  if (name === 'platformatic') return platformaticPort;
  if (name === 'kafkajs') return kafkajsPort;
  throw new Error(`ADTRACE_KAFKA_CLIENT must be kafkajs or platformatic, not ${name}`);
}
