/** What every command is and gets: main.ts dispatches to them, and they import nothing from main.ts. */
export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  cwd: string;
}

export interface Command {
  /** One line, shown by `cachegen --help`. */
  summary: string;
  /** Full text for `cachegen <command> --help`. */
  help: string;
  /** Runs the command; resolves to the process exit code. */
  run(args: string[], io: CommandIO): Promise<number>;
}
