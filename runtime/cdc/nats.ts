/**
 * Debezium change events from NATS JetStream (e.g. Debezium Server's NATS JetStream sink),
 * read by a durable pull consumer. A message is acknowledged only after its invalidation was
 * confirmed by Redis, and negatively acknowledged (redelivered after a delay) when it was not:
 * at-least-once, so neither a crash between receive and invalidate nor a Redis outage loses one.
 */
import { EventEmitter } from 'node:events';
import type { ConsumerMessages, JsMsg, NatsConnection } from 'nats';
import { requirePeer } from '../peer.js';
import type { CacheObserver } from '../metrics/observer.js';
import type { CdcTables } from './config.js';
import { parseDebezium } from './debezium.js';
import { ChangeHandler, type Invalidator, type TableChange } from './handler.js';

export interface NatsCdcOptions {
  /** Server URL; default NATS_URL, then nats://127.0.0.1:4222. */
  url?: string;
  /** The JetStream stream holding the change events (it must exist; Debezium Server creates it). */
  stream: string;
  /** Subject filter within the stream, e.g. `dbserver.public.>` (default: every subject). */
  subject?: string;
  /** Durable consumer name (default `cachegen-cdc`); instances sharing it share the work. */
  durable?: string;
  tables: CdcTables;
  invalidator: Invalidator;
  observer?: CacheObserver;
  /** Redelivery delay after a failed invalidation, in seconds (default 1). */
  retryDelay?: number;
  log?: (message: string) => void;
}

/** Events: `invalidated` (tags, change) after the ack; `ignored` (reason); `invalidation-failed` (error) before the nak. */
export interface NatsCdcEvents {
  invalidated: [tags: string[], change: TableChange];
  ignored: [reason: string];
  'invalidation-failed': [error: Error];
}

/** A durable JetStream consumer that turns Debezium events into tag invalidations. */
export class NatsCdcConsumer extends EventEmitter<NatsCdcEvents> {
  private readonly handler: ChangeHandler;
  private readonly options: NatsCdcOptions;
  private readonly durable: string;
  private readonly log: (message: string) => void;
  private connection: NatsConnection | undefined;
  private messages: ConsumerMessages | undefined;
  private loop: Promise<void> | undefined;

  constructor(options: NatsCdcOptions) {
    super();
    this.options = options;
    this.durable = options.durable ?? 'cachegen-cdc';
    this.log = options.log ?? ((m) => console.warn(`[cachegen cdc] ${m}`));
    this.handler = new ChangeHandler({ tables: options.tables, invalidator: options.invalidator, feed: 'nats', observer: options.observer });
  }

  /** Connects, creates the durable consumer if it does not exist, and starts consuming; rejects naming the stream when it is missing. */
  async start(): Promise<void> {
    const url = this.options.url ?? process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
    // The client reconnects on its own forever; the durable consumer keeps our place meanwhile.
    const { AckPolicy, connect } = requirePeer<typeof import('nats')>('nats');
    const nc = await connect({ servers: url, maxReconnectAttempts: -1, name: 'cachegen-cdc' });
    this.connection = nc;
    try {
      const jsm = await nc.jetstreamManager();
      try {
        await jsm.streams.info(this.options.stream);
      } catch (err) {
        throw new Error(`cdc.nats.stream: JetStream stream "${this.options.stream}" not found on ${url} (${(err as Error).message})`);
      }
      const exists = await jsm.consumers.info(this.options.stream, this.durable).then(() => true, () => false);
      if (!exists) {
        await jsm.consumers.add(this.options.stream, {
          durable_name: this.durable,
          ack_policy: AckPolicy.Explicit,
          ...(this.options.subject ? { filter_subject: this.options.subject } : {}),
        });
      }
      const consumer = await nc.jetstream().consumers.get(this.options.stream, this.durable);
      this.messages = await consumer.consume({ max_messages: 256 });
    } catch (err) {
      await nc.close();
      this.connection = undefined;
      throw err;
    }
    const messages = this.messages;
    this.loop = (async () => {
      for await (const message of messages) {
        // A failed ack (connection lost) must not end the loop: the message is redelivered later.
        await this.process(message).catch((err: Error) => this.log(`message ${message.seq} on ${message.subject}: ${err.message}`));
      }
    })();
  }

  /**
   * Handles one message: invalidate, then ack; nak when the invalidation is not confirmed, so
   * JetStream redelivers it. A message that is not a Debezium event could be a change we cannot
   * read: every mapped table is invalidated instead, then it is terminated (redelivering it
   * would never help).
   */
  async process(message: JsMsg): Promise<void> {
    let parsed;
    try {
      parsed = parseDebezium(message.data.length === 0 ? null : message.data);
    } catch (err) {
      this.log(`message ${message.seq} on ${message.subject} is not a Debezium event (${(err as Error).message}); invalidating every mapped table instead`);
      if (await this.invalidated(message, () => this.handler.invalidateAllTables())) message.term();
      return;
    }
    if (parsed.kind === 'ignored') {
      await message.ackAck();
      this.emit('ignored', parsed.reason);
      return;
    }
    const change = parsed.change;
    const tags = await this.invalidated(message, () => this.handler.handle(change));
    if (!tags) return;
    await message.ackAck();
    this.emit('invalidated', tags, change);
  }

  /** The tags `invalidate` confirmed; undefined after a nak when it was not confirmed. */
  private async invalidated(message: JsMsg, invalidate: () => Promise<string[]>): Promise<string[] | undefined> {
    try {
      return await invalidate();
    } catch (err) {
      this.emit('invalidation-failed', err as Error);
      message.nak((this.options.retryDelay ?? 1) * 1000);
      return undefined;
    }
  }

  /** Stops consuming (unacknowledged messages are redelivered to the durable later) and closes the connection. */
  async close(): Promise<void> {
    await this.messages?.close();
    await this.loop?.catch(() => undefined);
    await this.connection?.drain().catch(() => undefined);
    this.connection = undefined;
  }
}
