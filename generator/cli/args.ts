/** Command-line parsing shared by the commands: node's parseArgs, errors that name the option. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type ParsedResults<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** A usage mistake; the CLI prints it and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `args` against `options`; unknown options and missing values become UsageErrors. */
export function parseCommandArgs<O extends Options>(command: string, args: string[], options: O): ParsedResults<{ args: string[]; options: O; allowPositionals: true; strict: true }> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '') : String(err);
    throw new UsageError(`${message} (see \`cachegen ${command} --help\`)`);
  }
}

/** Checks a string option is one of `allowed`. */
export function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`--${option} must be one of ${allowed.join(', ')} (got "${value}")`);
}

/** The options every spec-reading command accepts. */
export const projectOptions = {
  config: { type: 'string', short: 'c' },
  spec: { type: 'string' },
  cwd: { type: 'string' },
} as const;
