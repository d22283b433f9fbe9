/** How advise writes numbers for people: bytes, shares, durations, rates. */
import type { OperationAdvice } from '../types.js';

/** 1536 → `1.5 KiB`; whole powers of two stay whole (`128 KiB`). */
export function bytes(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = Number.isInteger(value) || unit === 0 ? String(Math.round(value)) : value.toFixed(1);
  return `${text} ${units[unit]}`;
}

/** 0.4567 → `45.7%`. */
export function percent(share: number): string {
  return Number.isFinite(share) ? `${(share * 100).toFixed(1)}%` : '–';
}

/** A number with thousands separators, `–` when not finite. */
export function count(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

/** A rate per second with sensible precision. */
export function rate(n: number): string {
  if (!Number.isFinite(n)) return '–';
  return n >= 100 ? String(Math.round(n)) : n >= 1 ? n.toFixed(1) : n.toFixed(2);
}

/** Seconds as `45 s`, `12 min`, `3.5 h`. */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${Math.round(seconds * 10) / 10} s`;
  if (seconds < 7200) return `${Math.round(seconds / 6) / 10} min`;
  return `${Math.round(seconds / 360) / 10} h`;
}

/** The advice for an operation in a few words (the table's last column). */
export function verdictText(op: OperationAdvice): string {
  switch (op.verdict) {
    case 'cache': {
      const a = op.annotation!;
      const parts = [`ttl ${a.ttl} s`];
      if (a.swr) parts.push(`swr ${a.swr} s`);
      if (a.scope === 'private') parts.push('private');
      if (a.tags?.length) parts.push(`tags ${a.tags.join(' ')}`);
      return `cache: ${parts.join(', ')}`;
    }
    case 'do-not-cache':
      return `do not cache: ${op.reasons[0]!.replace(/^unsafe to cache \(([a-z-]+):.*$/s, 'unsafe ($1)').replace(/:.*$/s, '')}`;
    case 'cached':
      return `cached by the spec (ttl ${op.policy!.ttl} s${op.policy!.swr ? `, swr ${op.policy!.swr} s` : ''})`;
    case 'never-stored':
      return op.reasons[0]!.startsWith('sensitive') ? 'never stored (sensitive)' : 'never stored (invalid x-cache)';
  }
}
