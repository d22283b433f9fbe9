/** One pass over a log: every line parsed, classified against the plan and handed to a visitor. */
import type { Access, TrafficClassifier } from '../traffic.js';
import { lineParser } from './formats.js';
import { readLines, type ProgressListener } from './read.js';
import type { LogFormat } from './record.js';

/** Where the log is and how it is written. */
export interface LogSource {
  file: string;
  format: LogFormat;
}

/** Receives what a pass finds. */
export interface AccessVisitor {
  access(access: Access): void;
  /** A line that is not a request in the log's format (empty lines are not reported). */
  malformed?(lineNumber: number, reason: string): void;
}

/** Reads the whole log once; resolves to the number of lines. */
export function forEachAccess(source: LogSource, classifier: TrafficClassifier, visitor: AccessVisitor, progress?: ProgressListener): Promise<number> {
  const parse = lineParser(source.format);
  return readLines(source.file, {
    line(text, lineNumber) {
      if (text === '') return;
      const record = parse(text);
      if (typeof record === 'string') visitor.malformed?.(lineNumber, record);
      else visitor.access(classifier.classify(record));
    },
    overlong(lineNumber) {
      visitor.malformed?.(lineNumber, 'longer than 64 KiB');
    },
  }, progress);
}
