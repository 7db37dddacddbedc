import { describe, expect, it } from 'vitest';
import { pipelineTopics, topicNamespaceOf, topicRecords, topicSpecs, topicSpecsOf } from './topics.ts';

describe('topic namespace (ADTRACE_TOPIC_NAMESPACE)', () => {
  it('is adtrace unless set', () => {
    expect(topicNamespaceOf({})).toBe('adtrace');
    expect(topicNamespaceOf({ ADTRACE_TOPIC_NAMESPACE: '' })).toBe('adtrace');
    expect(pipelineTopics('adtrace').bidRequestsRaw).toBe('adtrace.bid-requests.raw');
    expect(topicSpecs.map((s) => s.name)).toContain('adtrace.impressions');
    expect(topicRecords['adtrace.impressions']).toBe('Impression');
  });

  it('names every topic of the pipeline under it, and nothing under the default', () => {
    const ns = topicNamespaceOf({ ADTRACE_TOPIC_NAMESPACE: 'staging-2.eu' });
    const names = topicSpecsOf(ns).map((s) => s.name);
    expect(names).toHaveLength(Object.keys(pipelineTopics(ns)).length);
    for (const name of names) expect(name.startsWith('staging-2.eu.'), name).toBe(true);
    expect(new Set(names)).toEqual(new Set(Object.values(pipelineTopics(ns))));
    expect(pipelineTopics(ns).deadLettersRaw).toBe('staging-2.eu.dead-letters.raw');
  });

  it('refuses a name Kafka would refuse, naming the variable', () => {
    for (const bad of ['a b', 'ns/1', 'émission', 'x'.repeat(201)]) {
      expect(() => topicNamespaceOf({ ADTRACE_TOPIC_NAMESPACE: bad })).toThrow(/^ADTRACE_TOPIC_NAMESPACE must be/);
    }
  });
});
