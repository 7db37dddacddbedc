/** One `adtrace <name>` command. `run` gets the arguments after the name and returns an exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  /** Full help text, printed by `adtrace <name> --help`. */
  readonly help: string;
  run(args: string[]): Promise<number>;
}

/** A mistake in how the command was called: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function wantsHelp(args: readonly string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

export const print = (line = ''): void => void process.stdout.write(`${line}\n`);
export const info = (line: string): void => void process.stderr.write(`${line}\n`);
