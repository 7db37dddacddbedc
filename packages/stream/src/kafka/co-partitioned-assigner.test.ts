import { AssignerProtocol, type Cluster } from 'kafkajs';
import { expect, test } from 'vitest';
import { coPartitionedAssigner } from './co-partitioned-assigner.ts';

test('partition p of every topic goes to the same member', async () => {
  const cluster = {
    findTopicPartitionMetadata: () => [0, 1, 2, 3, 4, 5].map((partitionId) => ({ partitionId })),
  } as unknown as Cluster;
  const assigner = coPartitionedAssigner({ cluster, groupId: 'g', logger: undefined as never });
  const members = ['m-b', 'm-a'].map((memberId) => ({ memberId, memberMetadata: Buffer.alloc(0) }));
  const result = await assigner.assign({ members, topics: ['impressions', 'user-events'] });
  const decoded = Object.fromEntries(
    result.map((r) => [r.memberId, AssignerProtocol.MemberAssignment.decode(r.memberAssignment)?.assignment]),
  );
  expect(decoded).toEqual({
    'm-a': { impressions: [0, 2, 4], 'user-events': [0, 2, 4] },
    'm-b': { impressions: [1, 3, 5], 'user-events': [1, 3, 5] },
  });
});
