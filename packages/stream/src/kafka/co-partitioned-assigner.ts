import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/**
 * Partition p of every input topic goes to the same member, so state keyed like the inputs
 * (user key) stays partition-local when a hop joins several topics. kafkajs's round-robin
 * assigner spreads topic-partitions independently and would split them.
 */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: 'AdtraceCoPartitioned',
  version: 1,
  async assign({ members, topics }) {
    const memberIds = members.map((m) => m.memberId).sort();
    const assignment = new Map<string, Record<string, number[]>>(memberIds.map((id) => [id, {}]));
    for (const topic of topics) {
      for (const { partitionId } of cluster.findTopicPartitionMetadata(topic)) {
        const member = assignment.get(memberIds[partitionId % memberIds.length]!)!;
        member[topic] = [...(member[topic] ?? []), partitionId];
      }
    }
    return memberIds.map((memberId) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({
        version: 1,
        assignment: assignment.get(memberId)!,
        userData: Buffer.alloc(0),
      }),
    }));
  },
  protocol({ topics }) {
    return {
      name: 'AdtraceCoPartitioned',
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 1, topics, userData: Buffer.alloc(0) }),
    };
  },
});
