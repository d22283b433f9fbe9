/**
 * Debezium events, from recorded envelopes (test/cdc/fixtures): the parser, the shared change
 * handler, and the Kafka consumer's message handling. No Kafka broker runs here, so the Kafka
 * consumer is exercised through `handleMessage`, which kafkajs calls for each record.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ChangeHandler, KafkaCdcConsumer, parseDebezium, type CdcTables } from '@cachegen/runtime/cdc';
import { noopObserver } from '../../runtime/metrics/observer.js';
import { RecordingInvalidator } from './support.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const tables: CdcTables = { products: { tags: ['product:{id}', 'category:{category_id}'] } };

describe('parseDebezium', () => {
  it.each([
    { file: 'products-create-with-schema.json', op: 'c', tags: ['product:1001', 'category:7'] },
    { file: 'products-update-bare.json', op: 'u', tags: ['product:1001', 'category:7', 'category:9'] },
    { file: 'products-delete-bare.json', op: 'd', tags: ['product:1001', 'category:9'] },
    { file: 'products-snapshot-read.json', op: 'r', tags: ['product:102', 'category:3'] },
    { file: 'products-update-without-old-image.json', op: 'u', tags: ['table:products'] },
    { file: 'products-truncate.json', op: 't', tags: ['table:products'] },
    { file: 'customers-update-bare.json', op: 'u', tags: [] },
  ])('$file → $tags', ({ file, op, tags }) => {
    const parsed = parseDebezium(fixture(file));
    if (parsed.kind !== 'change') throw new Error(`expected a change, got ${parsed.reason}`);
    expect(parsed.op).toBe(op);
    expect(new ChangeHandler({ tables, invalidator: new RecordingInvalidator(), feed: 'kafka' }).tagsFor(parsed.change)).toEqual(tags);
  });

  it('reads the table, schema and commit time from source', () => {
    const parsed = parseDebezium(fixture('products-create-with-schema.json'));
    expect(parsed).toMatchObject({ kind: 'change', change: { table: 'products', schema: 'public', committedAtMs: 1732600000000 } });
  });

  it.each([
    { given: null, reason: 'tombstone' },
    { given: '', reason: 'tombstone' },
    { given: 'null', reason: 'tombstone' },
    { given: JSON.stringify({ schema: null, payload: null }), reason: 'tombstone' },
    { given: JSON.stringify({ op: 'm', source: { table: 'x' } }), reason: 'op "m" is not a row change' },
  ])('ignores $given ($reason)', ({ given, reason }) => {
    expect(parseDebezium(given)).toEqual({ kind: 'ignored', reason });
  });

  it.each([
    { given: '{not json', error: 'Debezium event is not JSON' },
    { given: '{"before":null}', error: 'Debezium event has no "op" field' },
    { given: '{"op":"c","after":{}}', error: 'Debezium "c" event has no source.table' },
  ])('rejects $given', ({ given, error }) => {
    expect(() => parseDebezium(given)).toThrow(error);
  });

  it('skips a table in another schema than the configured one', () => {
    const parsed = parseDebezium(fixture('products-update-bare.json'));
    if (parsed.kind !== 'change') throw new Error('expected a change');
    const handler = new ChangeHandler({ tables: { products: { schema: 'shop', tags: ['product:{id}'] } }, invalidator: new RecordingInvalidator(), feed: 'nats' });
    expect(handler.tagsFor(parsed.change)).toEqual([]);
  });
});

describe('KafkaCdcConsumer.handleMessage (recorded envelopes, no broker)', () => {
  const message = (value: Buffer | null, offset = '0') => ({
    topic: 'dbserver1.public.products', partition: 0,
    message: { key: null, value, offset, timestamp: '0', attributes: 0, headers: {} },
  });

  it('invalidates each change once, skips tombstones, and a malformed record invalidates every mapped table, in order', async () => {
    const invalidator = new RecordingInvalidator();
    const logged: string[] = [];
    const consumer = new KafkaCdcConsumer({ brokers: ['localhost:9092'], topics: ['t'], groupId: 'g', tables, invalidator, log: (m) => logged.push(m) });
    for (const [i, value] of [
      fixture('products-create-with-schema.json'),
      fixture('products-update-bare.json'),
      fixture('products-delete-bare.json'),
      null,
      Buffer.from('{garbage'),
    ].entries()) await consumer.handleMessage(message(value, String(i)));
    expect(invalidator.calls).toEqual([
      ['product:1001', 'category:7'],
      ['product:1001', 'category:7', 'category:9'],
      ['product:1001', 'category:9'],
      ['table:products'],
    ]);
    expect(logged).toEqual([expect.stringContaining('dbserver1.public.products[0]@4 is not a Debezium event (Debezium event is not JSON')]);
  });

  it('rejects when the invalidation fails, so kafkajs does not commit the offset and retries', async () => {
    const invalidator = new RecordingInvalidator();
    invalidator.failNext = 1;
    const consumer = new KafkaCdcConsumer({ brokers: ['localhost:9092'], topics: ['t'], groupId: 'g', tables, invalidator });
    const record = message(fixture('products-update-bare.json'));
    await expect(consumer.handleMessage(record)).rejects.toThrow('invalidation refused');
    await consumer.handleMessage(record);
    expect(invalidator.calls).toEqual([['product:1001', 'category:7', 'category:9']]);
  });
});

describe('ChangeHandler metrics', () => {
  it('reports each event with its lag, and counts invalidations unless the cache counts them itself', async () => {
    const events: Array<[string, number | undefined]> = [];
    const counted: number[] = [];
    const observer = { ...noopObserver, cdcEvent: (feed: string, lag?: number) => { events.push([feed, lag]); }, invalidation: (_: string, n: number) => { counted.push(n); } };
    const parsed = parseDebezium(fixture('products-update-bare.json'));
    if (parsed.kind !== 'change') throw new Error('expected a change');
    const now = () => 1732600001000 + 250;
    await new ChangeHandler({ tables, invalidator: new RecordingInvalidator(), feed: 'kafka', observer, now }).handle(parsed.change);
    const countingCache = Object.assign(new RecordingInvalidator(), { observer });
    await new ChangeHandler({ tables, invalidator: countingCache, feed: 'nats', observer, now }).handle(parsed.change);
    expect(events).toEqual([['kafka', 0.25], ['nats', 0.25]]);
    expect(counted).toEqual([3]);
  });
});
