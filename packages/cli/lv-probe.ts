// Temporary (not committed): the record counter's own CPU while the pipeline runs.
import { Kafka, logLevel } from 'kafkajs';
import { countedTopics } from './src/pipeline/pipeline-view.ts';
import { startRecordCounter } from './src/pipeline/record-counter.ts';
const seconds = Number(process.argv[2] ?? 60);
const kafka = new Kafka({ clientId: 'lv-probe', brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
const counter = await startRecordCounter(kafka, countedTopics(), { maxWaitTimeInMs: Number(process.argv[3] ?? 1000), minBytes: Number(process.argv[4] ?? 1) });
await new Promise((r) => setTimeout(r, 5000));
const c0 = process.cpuUsage(); const t0 = Date.now();
const n0 = [...counter.counts().values()].reduce((a, b) => a + b, 0);
await new Promise((r) => setTimeout(r, seconds * 1000));
const cpu = process.cpuUsage(c0); const dt = (Date.now() - t0) / 1000;
const n1 = [...counter.counts().values()].reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ args: process.argv.slice(2), seconds: dt, recordsPerS: ((n1 - n0) / dt).toFixed(1), cpuMsPerS: ((cpu.user + cpu.system) / 1000 / dt).toFixed(2), counts: Object.fromEntries(counter.counts()) }));
await counter.stop();
