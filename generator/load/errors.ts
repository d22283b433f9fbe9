/** Errors raised while reading a spec: they always name the file and, when known, line and column. */
export class SpecLoadError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(line === undefined ? `${file}: ${message}` : `${file}:${line}:${column ?? 1}: ${message}`);
    this.name = 'SpecLoadError';
  }
}
