export { type TopicName, type TopicSpec, Topics, topicSpecs, USER_KEYED_PARTITIONS } from './topics.ts';
