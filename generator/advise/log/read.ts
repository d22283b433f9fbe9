/**
 * Streams a log file line by line (gzip when it ends in .gz) in 1 MiB chunks: memory stays at a
 * chunk and one line, whatever the file's size. A line longer than MAX_LINE is reported and
 * skipped rather than buffered.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';

/** Longest line kept; a longer one is skipped as malformed. */
export const MAX_LINE = 64 * 1024;

/** What a reader hands lines to. Line numbers are 1-based. */
export interface LineSink {
  line(text: string, lineNumber: number): void;
  /** A line longer than MAX_LINE, skipped. */
  overlong(lineNumber: number): void;
}

/** Called after each chunk with the file bytes read so far and the file's size. */
export type ProgressListener = (bytesRead: number, totalBytes: number) => void;

function open(file: string): { raw: ReturnType<typeof createReadStream>; text: AsyncIterable<Buffer> } {
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  return { raw, text: file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw };
}

/** Reads every line of file into sink (a final line without a newline included); resolves to the number of lines. */
export async function readLines(file: string, sink: LineSink, progress?: ProgressListener): Promise<number> {
  const total = (await stat(file)).size;
  const { raw, text } = open(file);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  let skipping = false;
  let lineNumber = 0;
  const take = (chunk: string): void => {
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      lineNumber++;
      if (skipping) skipping = false;
      else {
        let line = pending === '' ? chunk.slice(start, end) : pending + chunk.slice(start, end);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (line.length > MAX_LINE) sink.overlong(lineNumber);
        else sink.line(line, lineNumber);
      }
      pending = '';
      start = end + 1;
    }
    if (skipping) return;
    pending += chunk.slice(start);
    if (pending.length > MAX_LINE) {
      // No newline in sight: drop what we have and skip to the next one, so memory stays bounded.
      sink.overlong(lineNumber + 1);
      pending = '';
      skipping = true;
    }
  };
  try {
    for await (const chunk of text) {
      take(decoder.write(chunk));
      progress?.(raw.bytesRead, total);
    }
  } catch (err) {
    throw new Error(`${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  take(decoder.end());
  if (pending !== '' && !skipping) {
    lineNumber++;
    sink.line(pending.endsWith('\r') ? pending.slice(0, -1) : pending, lineNumber);
  } else if (skipping) lineNumber++;
  return lineNumber;
}

/** The first non-empty line of file, or undefined for an empty file (reads no further than it). */
export async function firstLine(file: string): Promise<string | undefined> {
  const { raw, text } = open(file);
  const decoder = new StringDecoder('utf8');
  let pending = '';
  try {
    for await (const chunk of text) {
      pending += decoder.write(chunk);
      for (const line of pending.split('\n').slice(0, -1)) if (line.trim() !== '') return line;
      pending = pending.slice(pending.lastIndexOf('\n') + 1);
      if (pending.length > MAX_LINE) return pending;
    }
  } finally {
    raw.destroy();
  }
  return pending.trim() === '' ? undefined : pending;
}
