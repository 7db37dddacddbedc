#!/usr/bin/env node
// adtrace: the command line of the pipeline. Each command lives in commands/<name>.ts.
import { type Command, print, UsageError, wantsHelp } from './command.ts';
import { campaignsCommand } from './commands/campaigns.ts';
import { costCommand } from './commands/cost.ts';
import { demoCommand } from './commands/demo.ts';
import { dlqCommand } from './commands/dlq.ts';
import { kafkaCommand } from './commands/kafka.ts';
import { loadCommand } from './commands/load.ts';
import { modelCommand } from './commands/model.ts';
import { roasCommand } from './commands/roas.ts';
import { segmentsCommand } from './commands/segments.ts';
import { downCommand, statusCommand, upCommand } from './commands/services.ts';
import { startCommand } from './commands/start.ts';
import { tailCommand } from './commands/tail.ts';
import { topicsCommand } from './commands/topics.ts';
import { traceCommand } from './commands/trace.ts';

const commands: readonly Command[] = [
  kafkaCommand,
  topicsCommand,
  tailCommand,
  upCommand,
  downCommand,
  statusCommand,
  startCommand,
  demoCommand,
  campaignsCommand,
  segmentsCommand,
  loadCommand,
  modelCommand,
  traceCommand,
  costCommand,
  roasCommand,
  dlqCommand,
];

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: adtrace <command> [args…]   (adtrace <command> --help for one command)',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    print(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`adtrace: unknown command ${name}\n\n${usage()}\n`);
    return 2;
  }
  if (wantsHelp(args)) {
    print(command.help);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`adtrace ${name}: ${err.message}\n\n${command.help}\n`);
      return 2;
    }
    process.stderr.write(`adtrace ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
