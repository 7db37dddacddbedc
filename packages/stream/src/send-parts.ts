import type { TopicMessages } from './kafka/port.ts';
import { approximateRecordBytes, recordBytes } from './record-size.ts';

/**
 * Splits a chunk's records into sends whose bytes per topic stay under the topic's
 * `max.message.bytes` (kafkajs puts a partition's records of one request in one record batch,
 * which the broker refuses whole above that limit), and on MESSAGE_TOO_LARGE anyway splits the
 * refused send in halves and retries them. A single record over the limit never gets here: the
 * chunk dead-letters its input first (chunk.ts).
 */
export async function sendInParts(
  send: (batches: TopicMessages[]) => Promise<void>,
  batches: readonly TopicMessages[],
  limitOf: (topic: string) => number,
): Promise<void> {
  for (const part of partsBySize(batches, limitOf)) await sendSplitting(send, part);
}

function partsBySize(batches: readonly TopicMessages[], limitOf: (topic: string) => number): TopicMessages[][] {
  const parts: TopicMessages[][] = [[]];
  const used = new Map<string, number>();
  for (const { topic, messages, sizes } of batches) {
    // A margin for record and batch framing; compression only makes batches smaller.
    const budget = Math.floor(limitOf(topic) * 0.8);
    let current: TopicMessages = { topic, messages: [] };
    parts[parts.length - 1]!.push(current);
    for (let i = 0; i < messages.length; i++) {
      const m = messages[i]!;
      // The outbox's sizes when it has them (seal sized each record once): no second pass over headers.
      const size = sizes ? recordBytes(sizes[i]!) : approximateRecordBytes(m);
      const sofar = used.get(topic) ?? 0;
      if (current.messages.length > 0 && sofar + size > budget) {
        used.clear();
        current = { topic, messages: [] };
        parts.push([current]);
      }
      current.messages.push(m);
      used.set(topic, (used.get(topic) ?? 0) + size);
    }
  }
  return parts.map((p) => p.filter((b) => b.messages.length > 0)).filter((p) => p.length > 0);
}

async function sendSplitting(send: (batches: TopicMessages[]) => Promise<void>, part: TopicMessages[]): Promise<void> {
  try {
    await send(part);
  } catch (error) {
    const count = part.reduce((n, b) => n + b.messages.length, 0);
    if (!tooLarge(error) || count < 2) throw error;
    const flat = part.flatMap((b) => b.messages.map((m) => ({ topic: b.topic, m })));
    const half = Math.ceil(flat.length / 2);
    for (const slice of [flat.slice(0, half), flat.slice(half)]) {
      const byTopic = new Map<string, TopicMessages['messages']>();
      for (const { topic, m } of slice) byTopic.set(topic, [...(byTopic.get(topic) ?? []), m]);
      await sendSplitting(
        send,
        [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      );
    }
  }
}

export function tooLarge(error: unknown): boolean {
  for (let e = error as { type?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++) {
    if (e.type === 'MESSAGE_TOO_LARGE' || e.type === 'RECORD_LIST_TOO_LARGE') return true;
  }
  return false;
}
