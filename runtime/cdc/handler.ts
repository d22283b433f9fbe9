/**
 * The one place a change becomes an invalidation, shared by every feed (PostgreSQL NOTIFY,
 * NATS, Kafka): look the table up, render its tag templates over the old and the new row,
 * and hand the tags to `invalidateTags` so L2 and every instance's L1 follow.
 */
import type { CacheObserver } from '../metrics/observer.js';
import { tableTagOf, type CdcTables } from './config.js';
import { parseRowTemplate, renderRowTags, type RowTemplate } from './templates.js';

/**
 * What a CDC feed needs from the cache: the two-tier cache satisfies it. A feed acknowledges an
 * event only once its invalidation is confirmed: `false` (the cache's "Redis did not confirm it")
 * or a rejection means not confirmed; `true` or nothing means confirmed.
 */
export interface Invalidator {
  invalidateTags(tags: string[], options?: { source?: 'cdc' }): Promise<boolean | void>;
  /** Makes every entry unservable; used after a feed gap when `onGap: 'clear'` (the cache's `clear`). */
  clear?(): Promise<boolean | void>;
}

/** An invalidation the invalidator did not confirm (Redis down or slow): the event must not be acknowledged. */
export class UnconfirmedInvalidationError extends Error {
  constructor(what: string) {
    super(`the invalidation of ${what} is not confirmed by Redis yet (the cache retries it); the event is not acknowledged`);
    this.name = 'UnconfirmedInvalidationError';
  }
}

export type CdcFeed = 'postgres' | 'nats' | 'kafka';

/** A change to one table: the row images it touched (old and new), or `wholeTable` when they are unknown. */
export interface TableChange {
  /** The table name as the feed reports it (matched against the config's table keys). */
  table: string;
  /** The PostgreSQL schema, when the feed reports it; checked against a table's configured `schema`. */
  schema?: string;
  /** Old and new row images; each renders the table's tag templates. */
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>;
  /** The rows cannot be described (too many, a TRUNCATE, a missing old image): invalidate the table-wide tag. */
  wholeTable?: boolean;
  /** When the change was committed at the source (ms since epoch), for the lag metric. */
  committedAtMs?: number;
}

interface CompiledTable {
  name: string;
  schema: string | undefined;
  templates: RowTemplate[];
  tableTag: string;
}

export interface ChangeHandlerOptions {
  tables: CdcTables;
  invalidator: Invalidator;
  feed: CdcFeed;
  observer?: CacheObserver;
  /** Clock for the lag metric (ms since epoch); injectable for tests. */
  now?: () => number;
}

/** Turns table changes into tag invalidations. */
export class ChangeHandler {
  private readonly tables = new Map<string, CompiledTable>();
  private readonly invalidator: Invalidator;
  private readonly feed: CdcFeed;
  private readonly observer: CacheObserver | undefined;
  private readonly now: () => number;
  private readonly invalidatorCounts: boolean;

  constructor(options: ChangeHandlerOptions) {
    for (const [name, table] of Object.entries(options.tables)) {
      this.tables.set(name, {
        name,
        schema: table.schema,
        templates: table.tags.map(parseRowTemplate),
        tableTag: tableTagOf(name, table),
      });
    }
    this.invalidator = options.invalidator;
    this.feed = options.feed;
    this.observer = options.observer;
    this.now = options.now ?? Date.now;
    this.invalidatorCounts = 'observer' in options.invalidator;
  }

  /** The tags a change invalidates; empty when its table is not mapped. Never throws. */
  tagsFor(change: TableChange): string[] {
    const table = this.lookup(change);
    if (!table) return [];
    // A table mapped with no templates is invalidated as a whole on every change.
    if (change.wholeTable || table.templates.length === 0) return [table.tableTag];
    const tags = new Set<string>();
    for (const row of change.rows) {
      const rendered = renderRowTags(table.templates, row);
      // A needed column is absent from the image: the old value is unknown, so only the table-wide tag is safe.
      if (rendered.unknown) return [table.tableTag];
      for (const tag of rendered.tags) tags.add(tag);
    }
    return [...tags];
  }

  /** Every table-wide tag: what a gap in the feed must invalidate. */
  allTableTags(): string[] {
    return [...new Set([...this.tables.values()].map((t) => t.tableTag))];
  }

  /** Invalidates what the change touched; resolves once the invalidation is confirmed (so feeds can acknowledge after it), else rejects. */
  async handle(change: TableChange): Promise<string[]> {
    const lag = change.committedAtMs === undefined ? undefined : Math.max(0, (this.now() - change.committedAtMs) / 1000);
    this.observer?.cdcEvent(this.feed, lag);
    const tags = this.tagsFor(change);
    await this.invalidate(tags);
    return tags;
  }

  /** Invalidates the table-wide tag of every mapped table (after a gap, when events may have been lost); rejects unless confirmed. */
  async invalidateAllTables(): Promise<string[]> {
    const tags = this.allTableTags();
    await this.invalidate(tags);
    return tags;
  }

  private async invalidate(tags: string[]): Promise<void> {
    if (tags.length === 0) return;
    const confirmed = await this.invalidator.invalidateTags(tags, { source: 'cdc' });
    if (confirmed === false) throw new UnconfirmedInvalidationError(tags.length > 3 ? `${tags.length} tags` : tags.join(', '));
    // A cachegen cache counts its own invalidations by source; counting here too would double them.
    if (!this.invalidatorCounts) this.observer?.invalidation('cdc', tags.length);
  }

  private lookup(change: TableChange): CompiledTable | undefined {
    const table = this.tables.get(change.table);
    if (!table) return undefined;
    // An unset schema means `public`, as in the generated SQL; feeds that report no schema (MySQL) match by name.
    if (change.schema !== undefined && change.schema !== (table.schema ?? 'public')) return undefined;
    return table;
  }
}
