import type { TestProject } from 'vitest/node';
import { acquireBroker, type BrokerLease } from './broker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
  }
}

// Both broker projects run this setup in one process: share one lease between them.
let lease: Promise<BrokerLease> | undefined;
let users = 0;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  users += 1;
  lease ??= acquireBroker((line) => console.log(`[broker] ${line}`));
  const { brokers } = await lease;
  project.provide('kafkaBrokers', brokers);
  return async () => {
    users -= 1;
    if (users === 0 && lease) await (await lease).release();
  };
}
