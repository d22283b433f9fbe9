/**
 * Byte ranges (RFC 9110 §14) as a cache uses them (RFC 9111 §3.3, §3.4): reading a request's
 * single byte range and a 206's Content-Range, and combining parts of one representation.
 * Multiple ranges and other units are left to the origin.
 */

/** A byte range request as written: `first-last`, `first-` or `-suffix`. */
export interface RangeSpec { first?: number; last?: number; suffix?: number }

/** Bytes start..end (inclusive) of a representation of `size` bytes. */
export interface ByteSpan { start: number; end: number; size: number }

/** A run of DIGITs as a number, or undefined (no sign, no spaces, not beyond 2^53). */
function digits(text: string): number | undefined {
  if (text.length === 0 || text.length > 15) return undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(text);
}

/** RFC 9110 §14.2: a Range of exactly one byte range (`bytes=first-last`, `bytes=first-`, `bytes=-suffix`); undefined otherwise. */
export function parseRange(value: string | null): RangeSpec | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text.slice(0, 6).toLowerCase() !== 'bytes=') return undefined;
  const spec = text.slice(6).trim();
  const dash = spec.indexOf('-');
  if (dash < 0 || spec.includes(',')) return undefined;
  const firstText = spec.slice(0, dash);
  const lastText = spec.slice(dash + 1);
  if (firstText === '') {
    const suffix = digits(lastText);
    return suffix !== undefined && suffix > 0 ? { suffix } : undefined;
  }
  const first = digits(firstText);
  if (first === undefined) return undefined;
  if (lastText === '') return { first };
  const last = digits(lastText);
  return last !== undefined && last >= first ? { first, last } : undefined;
}

/** RFC 9110 §14.1.2: the bytes a range selects from a representation of `size` bytes; undefined when unsatisfiable. */
export function resolveRange(range: RangeSpec, size: number): ByteSpan | undefined {
  if (range.suffix !== undefined) return size === 0 ? undefined : { start: Math.max(0, size - range.suffix), end: size - 1, size };
  const start = range.first!;
  if (start >= size) return undefined;
  return { start, end: Math.min(range.last ?? size - 1, size - 1), size };
}

/** RFC 9110 §14.4: Content-Range `bytes first-last/complete-length`; undefined otherwise (an unknown length `*` included). */
export function parseContentRange(value: string | null): ByteSpan | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text.slice(0, 6).toLowerCase() !== 'bytes ') return undefined;
  const rest = text.slice(6);
  const dash = rest.indexOf('-');
  const slash = rest.indexOf('/');
  if (dash < 0 || slash < dash) return undefined;
  const start = digits(rest.slice(0, dash));
  const end = digits(rest.slice(dash + 1, slash));
  const size = digits(rest.slice(slash + 1));
  if (start === undefined || end === undefined || size === undefined || end < start || end >= size) return undefined;
  return { start, end, size };
}

/** RFC 9110 §14.4: the Content-Range value of a span. */
export function contentRange(span: ByteSpan): string {
  return `bytes ${span.start}-${span.end}/${span.size}`;
}

/** Whether `outer` holds every byte of `inner`. */
export function covers(outer: ByteSpan, inner: ByteSpan): boolean {
  return outer.size === inner.size && outer.start <= inner.start && inner.end <= outer.end;
}

/** RFC 9111 §3.4: two parts that overlap or touch, as one (the newer bytes win where they overlap); undefined when they leave a gap. */
export function joinParts(older: { span: ByteSpan; bytes: Uint8Array }, newer: { span: ByteSpan; bytes: Uint8Array }): { span: ByteSpan; bytes: Uint8Array } | undefined {
  const a = older.span;
  const b = newer.span;
  if (a.size !== b.size || b.start > a.end + 1 || a.start > b.end + 1) return undefined;
  const span = { start: Math.min(a.start, b.start), end: Math.max(a.end, b.end), size: a.size };
  const bytes = new Uint8Array(span.end - span.start + 1);
  bytes.set(older.bytes, a.start - span.start);
  bytes.set(newer.bytes, b.start - span.start);
  return { span, bytes };
}
