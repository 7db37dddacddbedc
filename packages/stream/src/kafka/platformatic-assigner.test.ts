import type { ClusterMetadata, ExtendedGroupProtocolSubscription } from '@platformatic/kafka';
import { expect, test } from 'vitest';
import { coPartitioned } from './platformatic-assigner.ts';

test('partition p of every topic goes to one member, whatever order the members come in', () => {
  const members = new Map<string, ExtendedGroupProtocolSubscription>(
    ['m-b', 'm-a'].map((memberId) => [memberId, { memberId, version: 1 }]),
  );
  const topic = (partitionsCount: number) => ({ id: '', partitions: [], partitionsCount, lastUpdate: 0 });
  const metadata = {
    topics: new Map([
      ['clicks', topic(4)],
      ['views', topic(4)],
    ]),
  } as unknown as ClusterMetadata;
  const out = coPartitioned('m-a', members, new Set(['clicks', 'views']), metadata);
  const of = (id: string) =>
    Object.fromEntries([...out.find((m) => m.memberId === id)!.assignments].map(([t, a]) => [t, a.partitions]));
  expect(of('m-a')).toEqual({ clicks: [0, 2], views: [0, 2] });
  expect(of('m-b')).toEqual({ clicks: [1, 3], views: [1, 3] });
});
