export { type AggregationOptions, createAggregation } from './aggregation-hop.ts';
export { AggregateAttr, aggregationTracer } from './aggregation-spans.ts';
export { type AggregationConfig, type AggregationEnv, type AggregationTopics, readEnv, toConfig } from './config.ts';
export { accumulate, type EmittedWindow, lateEvent, type RoasAccumulator, windowRecord } from './roas-state.ts';
