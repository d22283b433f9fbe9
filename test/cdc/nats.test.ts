/**
 * Debezium events over the real NATS JetStream: a durable consumer that acknowledges only
 * after the invalidation is done, redelivers a failed one, and resumes where it left off.
 */
import { readFileSync } from 'node:fs';
import { connect, type JetStreamManager, type NatsConnection } from 'nats';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { NatsCdcConsumer, type CdcTables } from '@cachegen/runtime/cdc';
import { nextEvent, RecordingInvalidator, uniqueName } from './support.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
const tables: CdcTables = { products: { tags: ['product:{id}', 'category:{category_id}'] } };
const stream = uniqueName('CDC').toUpperCase();
const prefix = uniqueName('dbz');
const subject = `${prefix}.public.products`;

let nc: NatsConnection;
let jsm: JetStreamManager;
const started: NatsCdcConsumer[] = [];

function consumer(invalidator: RecordingInvalidator, durable: string): NatsCdcConsumer {
  const c = new NatsCdcConsumer({ url: inject('natsUrl'), stream, subject: `${prefix}.>`, durable, tables, invalidator, retryDelay: 0.01, log: () => undefined });
  started.push(c);
  return c;
}

async function ackPending(durable: string): Promise<{ pending: number; ackFloor: number }> {
  const info = await jsm.consumers.info(stream, durable);
  return { pending: info.num_ack_pending, ackFloor: info.ack_floor.stream_seq };
}

beforeAll(async () => {
  nc = await connect({ servers: inject('natsUrl') });
  jsm = await nc.jetstreamManager();
  await jsm.streams.add({ name: stream, subjects: [`${prefix}.>`] });
});

afterAll(async () => {
  for (const c of started) await c.close();
  await jsm?.streams.delete(stream).catch(() => undefined);
  await nc?.close();
});

describe('NatsCdcConsumer', () => {
  it('invalidates, then acknowledges; tombstones are acknowledged and skipped', async () => {
    const invalidator = new RecordingInvalidator();
    const durable = uniqueName('durable');
    const c = consumer(invalidator, durable);
    await c.start();
    const ignored = nextEvent<[string]>(c, 'ignored');
    const invalidated = nextEvent<[string[]]>(c, 'invalidated');
    const js = nc.jetstream();
    await js.publish(subject, new Uint8Array(0));
    const ack = await js.publish(subject, fixture('products-update-bare.json'));
    expect((await ignored)[0]).toBe('tombstone');
    expect((await invalidated)[0]).toEqual(['product:1001', 'category:7', 'category:9']);
    expect(invalidator.calls).toEqual([['product:1001', 'category:7', 'category:9']]);
    // 'invalidated' is emitted after the server confirmed the ack.
    expect(await ackPending(durable)).toEqual({ pending: 0, ackFloor: ack.seq });
  });

  it('redelivers an event whose invalidation failed (at-least-once)', async () => {
    const invalidator = new RecordingInvalidator();
    invalidator.failNext = 2;
    const durable = uniqueName('durable');
    const c = consumer(invalidator, durable);
    await c.start();
    let failures = 0;
    c.on('invalidation-failed', () => failures++);
    const invalidated = nextEvent<[string[]]>(c, 'invalidated', (tags) => tags.includes('product:1001') && tags.includes('category:9') && tags.length === 2);
    const ack = await nc.jetstream().publish(subject, fixture('products-delete-bare.json'));
    await invalidated;
    expect(failures).toBe(2);
    expect(invalidator.calls.at(-1)).toEqual(['product:1001', 'category:9']);
    expect((await ackPending(durable)).ackFloor).toBe(ack.seq);
  });

  it('a durable consumer resumes after a restart with the events published while it was away', async () => {
    const durable = uniqueName('durable');
    const first = new RecordingInvalidator();
    const c1 = consumer(first, durable);
    await c1.start();
    const seenFirst = nextEvent<[string[]]>(c1, 'invalidated', (tags) => tags.includes('product:102'));
    await nc.jetstream().publish(subject, fixture('products-snapshot-read.json'));
    await seenFirst;
    await c1.close();

    const away = await nc.jetstream().publish(subject, fixture('products-create-with-schema.json'));
    const second = new RecordingInvalidator();
    const c2 = consumer(second, durable);
    const resumed = nextEvent<[string[]]>(c2, 'invalidated', (tags) => tags.includes('category:7') && tags.length === 2);
    await c2.start();
    expect((await resumed)[0]).toEqual(['product:1001', 'category:7']);
    // Nothing acknowledged before the restart is delivered again.
    expect(second.calls.some((tags) => tags.includes('product:102'))).toBe(false);
    expect((await ackPending(durable)).ackFloor).toBe(away.seq);
  });

  it('names the missing stream', async () => {
    const c = new NatsCdcConsumer({ url: inject('natsUrl'), stream: 'NO_SUCH_STREAM_X', tables, invalidator: new RecordingInvalidator() });
    await expect(c.start()).rejects.toThrow('cdc.nats.stream: JetStream stream "NO_SUCH_STREAM_X" not found');
  });
});
