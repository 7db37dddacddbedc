import { topicSpecs } from '@adtrace/schemas';
import { withAdmin } from '../admin.ts';
import { type Command, print, UsageError } from '../command.ts';
import { createTopics } from '../topics.ts';

export const topicsCommand: Command = {
  name: 'topics',
  summary: 'create or list the pipeline topics',
  help: `Usage: adtrace topics create|list

  create   create every pipeline topic that does not exist yet (partitions, cleanup policy and
           retention from @adtrace/schemas); existing topics are left as they are
  list     the pipeline topics, their partitions and cleanup policy, and whether they exist`,
  async run(args) {
    const [action, ...rest] = args;
    if (rest.length > 0) throw new UsageError(`unexpected argument ${rest[0]}`);
    if (action === 'create') {
      const { created, existing } = await withAdmin((admin) => createTopics(admin));
      for (const name of created) print(`created  ${name}`);
      for (const name of existing) print(`exists   ${name}`);
      return 0;
    }
    if (action === 'list') {
      const present = new Set(await withAdmin((admin) => admin.listTopics()));
      for (const s of topicSpecs) {
        print(
          `${s.name.padEnd(30)} ${String(s.partitions).padStart(2)} ${s.cleanupPolicy.padEnd(7)} ${present.has(s.name) ? 'exists' : 'missing'}`,
        );
      }
      return 0;
    }
    throw new UsageError(action ? `unknown action ${action}` : 'missing action');
  },
};
