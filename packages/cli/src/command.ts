/** A CLI command: `run` parses its own arguments and returns the process exit code. */
export interface CommandModule {
  run(args: string[]): Promise<number>;
}
