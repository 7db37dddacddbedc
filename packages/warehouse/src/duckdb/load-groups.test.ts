import { describe, expect, it } from 'vitest';
import type { TableLoad } from '../tables.ts';
import type { LoadResult } from '../warehouse.ts';
import { WriteQueue } from '../write-queue.ts';
import { LoadGroups, type LoadRunners, type QueuedLoad } from './load-groups.ts';

const table = (name: string, skipsExisting: boolean) =>
  ({ table: name, ...(skipsExisting && { newRowsSql: () => 'INSERT …' }) }) as unknown as TableLoad<unknown>;
const spans = table('spans', true);
const impressions = table('impressions', true);
const roas = table('roas_window_generations', false);
const result = (n: number, inserted = n): LoadResult => ({ received: n, inserted, bytesWritten: 0 });

/** Keeps the writer busy until the returned function is called. */
function busy(writes: WriteQueue): () => void {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  void writes.run(() => gate);
  return () => release();
}

/** Runners that record what ran: a group as the tables of its loads, a load alone as its table. */
function recording(failGroup = false) {
  const ran: string[][] = [];
  const runners: LoadRunners = {
    one: async (l: QueuedLoad) => {
      ran.push([l.spec.table]);
      if (l.rows.includes('bad')) throw new Error('refused');
      return result(l.rows.length, l.rows.filter((r) => r !== 'old').length);
    },
    allNew: async (loads) => {
      ran.push(loads.map((l) => l.spec.table));
      if (failGroup || loads.some((l) => l.rows.includes('old') || l.rows.includes('bad'))) throw new Error('a key');
      return loads.map((l) => result(l.rows.length));
    },
  };
  return { ran, runners };
}

describe('LoadGroups', () => {
  it('runs the loads queued while the writer is busy as one group, each answered with its own rows', async () => {
    const writes = new WriteQueue();
    const { ran, runners } = recording();
    const groups = new LoadGroups(writes, runners);
    const release = busy(writes); // the writer busy with a load
    const answers = Promise.all([
      groups.load({ spec: impressions, rows: ['a', 'b'] }),
      groups.load({ spec: spans, rows: ['s'] }),
      groups.load({ spec: impressions, rows: ['c'] }),
    ]);
    release();
    expect(await answers).toEqual([result(2), result(1), result(1)]);
    expect(ran).toEqual([['impressions', 'spans', 'impressions']]);
  });

  it('a group that fails runs each load alone: each gets the result or error it would have had alone', async () => {
    const writes = new WriteQueue();
    const { ran, runners } = recording();
    const groups = new LoadGroups(writes, runners);
    const release = busy(writes);
    const first = groups.load({ spec: impressions, rows: ['a', 'old'] });
    const second = groups.load({ spec: spans, rows: ['bad'] });
    const third = groups.load({ spec: spans, rows: ['s'] });
    release();
    expect(await first).toEqual(result(2, 1));
    await expect(second).rejects.toThrow('refused');
    expect(await third).toEqual(result(1));
    expect(ran).toEqual([['impressions', 'spans', 'spans'], ['impressions'], ['spans'], ['spans']]);
  });

  it('a load alone, and loads of upsert tables, never go in a group; those run after it, in order', async () => {
    const writes = new WriteQueue();
    const { ran, runners } = recording();
    const groups = new LoadGroups(writes, runners);
    expect(await groups.load({ spec: spans, rows: ['s'] })).toEqual(result(1));
    const release = busy(writes);
    const answers = Promise.all([
      groups.load({ spec: roas, rows: ['w1'] }),
      groups.load({ spec: impressions, rows: ['a'] }),
      groups.load({ spec: roas, rows: ['w2'] }),
      groups.load({ spec: spans, rows: ['s'] }),
    ]);
    release();
    await answers;
    expect(ran).toEqual([
      ['spans'],
      ['impressions', 'spans'],
      ['roas_window_generations'],
      ['roas_window_generations'],
    ]);
  });

  describe('with a commit interval', () => {
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

    it('loads trickling in while the writer is idle wait for the interval and go together: a few groups, not one per load', async () => {
      const { ran, runners } = recording();
      const groups = new LoadGroups(new WriteQueue(), runners, { commitIntervalMs: 150 });
      const answers: Promise<LoadResult>[] = [];
      const started = performance.now();
      for (let i = 0; i < 30; i++) {
        answers.push(groups.load({ spec: spans, rows: [`s${i}`] }));
        await sleep(15);
      }
      const results = await Promise.all(answers);
      const ms = performance.now() - started;
      expect(results).toEqual(answers.map(() => result(1)));
      expect(ran.flat()).toHaveLength(30); // every load ran, once
      // One group at once, then one per interval: 450+ ms of trickle is at most 1 + ms/150 + 1.
      expect(ran.length, `${ran.length} groups in ${ms.toFixed(0)} ms`).toBeLessThanOrEqual(Math.ceil(ms / 150) + 1);
      const without = recording();
      const plain = new LoadGroups(new WriteQueue(), without.runners);
      for (let i = 0; i < 30; i++) {
        await plain.load({ spec: spans, rows: [`s${i}`] });
        await sleep(15);
      }
      expect(without.ran).toHaveLength(30); // no interval: each load its own transaction
    });

    it('a group’s worth of rows does not wait for the interval, nor does a flush', async () => {
      const { ran, runners } = recording();
      const groups = new LoadGroups(new WriteQueue(), runners, { commitIntervalMs: 60_000 });
      await groups.load({ spec: spans, rows: ['first'] }); // the first group: at once
      const t0 = performance.now();
      await groups.load({ spec: spans, rows: Array.from({ length: 256 }, (_, i) => `r${i}`) });
      const small = groups.load({ spec: impressions, rows: ['i'] });
      await sleep(50);
      expect(ran).toHaveLength(2); // the small load waits for the interval…
      groups.flush(); // …until the warehouse closes
      expect(await small).toEqual(result(1));
      expect(ran).toEqual([['spans'], ['spans'], ['impressions']]);
      expect(performance.now() - t0).toBeLessThan(30_000);
    });
  });
});
