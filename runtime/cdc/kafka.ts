/**
 * Debezium change events from Kafka topics, read by a kafkajs consumer group with the same
 * handler as the other feeds. kafkajs commits an offset only after `eachMessage` resolves, and
 * `eachMessage` resolves only after the invalidation: at-least-once.
 *
 * Note: this consumer's message handling is tested with recorded Debezium envelopes; it has
 * not been run against a live Kafka broker in this project's test environment.
 */
import { EventEmitter } from 'node:events';
import type { Consumer, EachMessagePayload, Kafka } from 'kafkajs';
import type { CacheObserver } from '../metrics/observer.js';
import { requirePeer } from '../peer.js';
import type { CdcTables } from './config.js';
import { parseDebezium } from './debezium.js';
import { ChangeHandler, type Invalidator, type TableChange } from './handler.js';

export interface KafkaCdcOptions {
  brokers: string[];
  topics: string[];
  groupId: string;
  clientId?: string;
  tables: CdcTables;
  invalidator: Invalidator;
  observer?: CacheObserver;
  /** An existing kafkajs client (for TLS/SASL settings); default: one built from `brokers`. */
  kafka?: Kafka;
  log?: (message: string) => void;
}

/** Events: `invalidated` (tags, change), `ignored` (reason). */
export interface KafkaCdcEvents {
  invalidated: [tags: string[], change: TableChange];
  ignored: [reason: string];
}

/** A Kafka consumer group member that turns Debezium events into tag invalidations. */
export class KafkaCdcConsumer extends EventEmitter<KafkaCdcEvents> {
  private readonly handler: ChangeHandler;
  private readonly options: KafkaCdcOptions;
  private readonly log: (message: string) => void;
  private consumer: Consumer | undefined;

  constructor(options: KafkaCdcOptions) {
    super();
    this.options = options;
    this.log = options.log ?? ((m) => console.warn(`[cachegen cdc] ${m}`));
    this.handler = new ChangeHandler({ tables: options.tables, invalidator: options.invalidator, feed: 'kafka', observer: options.observer });
  }

  /** Joins the group and starts consuming the topics. */
  async start(): Promise<void> {
    const kafka = this.options.kafka ?? new (requirePeer<typeof import('kafkajs')>('kafkajs')).Kafka({ clientId: this.options.clientId ?? 'cachegen-cdc', brokers: this.options.brokers });
    const consumer = kafka.consumer({ groupId: this.options.groupId });
    this.consumer = consumer;
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics });
    await consumer.run({ eachMessage: (payload) => this.handleMessage(payload) });
  }

  /**
   * Handles one Kafka message: tombstones and non-row events are skipped; a malformed event
   * invalidates every mapped table instead (it may be a change we cannot read) and is then
   * skipped (retrying it would block its partition forever); an invalidation that is not
   * confirmed rejects, so kafkajs retries it without committing the offset.
   */
  async handleMessage({ topic, partition, message }: Pick<EachMessagePayload, 'topic' | 'partition' | 'message'>): Promise<void> {
    let parsed;
    try {
      parsed = parseDebezium(message.value);
    } catch (err) {
      this.log(`${topic}[${partition}]@${message.offset} is not a Debezium event (${(err as Error).message}); invalidating every mapped table instead`);
      await this.handler.invalidateAllTables();
      return;
    }
    if (parsed.kind === 'ignored') {
      this.emit('ignored', parsed.reason);
      return;
    }
    const tags = await this.handler.handle(parsed.change);
    this.emit('invalidated', tags, parsed.change);
  }

  /** Leaves the group and disconnects. */
  async close(): Promise<void> {
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }
}
