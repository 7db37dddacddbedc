import { Admin } from '@platformatic/kafka';
import { platformaticAdmin } from './platformatic-admin.ts';
import { type GroupMember, platformaticGroupConsumer } from './platformatic-consumer.ts';
import { platformaticProducer } from './platformatic-producer.ts';
import { platformaticReader } from './platformatic-reader.ts';
import type { KafkaPort, PortSettings } from './port.ts';

/**
 * The client port on @platformatic/kafka 2.12.1 (pure JS, maintained): the second
 * implementation of port.ts, selected with `createHop({ kafka: platformaticPort })`. The client
 * gives group membership, produce, transactions and raw fetches; read-committed filtering,
 * per-partition positions, seeks and offset commits with metadata are done here (see the files
 * beside this one for why). The group consumers of one port are known to its producers, so a
 * transaction commits a group's offsets with that member's generation (KIP-447).
 */
export function platformaticPort(settings: PortSettings): KafkaPort {
  const members = new Map<string, GroupMember>();
  return {
    async admin(fn) {
      const admin = new Admin({ clientId: settings.clientId, bootstrapBrokers: [...settings.brokers], retries: 5 });
      try {
        return await fn(platformaticAdmin(admin));
      } finally {
        await admin.close();
      }
    },
    producer: (options = {}) => platformaticProducer(settings, options.transactionalId, members),
    groupConsumer: (options) => platformaticGroupConsumer(settings, options, members),
    reader: (options) => platformaticReader(settings, options),
  };
}
