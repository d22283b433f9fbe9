/**
 * The invalidation bus: tells every other instance of a namespace which L1 entries to drop.
 *
 * Redis pub/sub is fire-and-forget, so each message carries its publisher's id and a
 * sequence number starting at 1. Whenever this subscriber may have missed a message it asks
 * for its L1 to be flushed: a gap in a publisher's sequence (including a first message from
 * a publisher that is not number 1), a message it cannot read, its connection dropping, and
 * its subscription being (re)confirmed. An instance ignores its own messages. Publishing is
 * one attempt: the cache retries an invalidation whose message failed (docs/two-tier.md).
 */
import { randomUUID } from 'node:crypto';
import type { CacheObserver } from '../metrics/observer.js';
import { closeClient, type RedisClient } from '../l2/store.js';
import { decodeWire, encodeWire, type BusMessage } from './wire.js';

export type { BusMessage } from './wire.js';

/** Why the bus asked for a flush. */
export type GapReason = 'subscribed' | 'disconnected' | 'gap' | 'invalid';

export interface BusOptions {
  channel: string;
  /** Publishes one message; false when it failed. */
  publish: (channel: string, message: string) => Promise<boolean>;
  /** A connection of its own, used only to subscribe; the bus closes it. */
  subscriber: RedisClient;
  observer: CacheObserver;
  /** Told once, at the first message it cannot read (then only counted). */
  logger: { warn(msg: string): void };
  /** Applies a peer's message to the local L1. */
  onMessage: (message: BusMessage) => void;
  /** Flushes the local L1: something may have been missed. */
  onGap: (reason: GapReason) => void;
}

/** Publishers whose last sequence number is remembered; the least recently heard is forgotten first. */
const MAX_PUBLISHERS = 4096;

export class InvalidationBus {
  /** This instance's publisher id. */
  readonly id = randomUUID();
  private seq = 0;
  /** Last sequence number per publisher, least recently heard first (Map order). */
  private readonly lastSeen = new Map<string, number>();
  private closed = false;
  /** Subscribed and not disconnected since. */
  private listening = false;
  private loggedInvalid = false;

  constructor(private readonly options: BusOptions) {
    const sub = options.subscriber;
    sub.on('error', () => { /* a lost connection is reported through close/ready below */ });
    sub.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.receive(payload));
    // Messages published while the connection is down are lost: drop what L1 holds now, and
    // again once subscribed (below), for what it took in meanwhile.
    sub.on('close', () => {
      if (!this.listening || this.closed) return;
      this.listening = false;
      this.gap('disconnected');
    });
    sub.on('ready', () => this.subscribe());
  }

  /** Subscribes now if the connection is already up (otherwise its 'ready' will). */
  start(): void {
    if (this.options.subscriber.status === 'ready') this.subscribe();
  }

  /** Sends a message to every other instance; true once Redis accepted it. Never throws. */
  async publish(message: BusMessage): Promise<boolean> {
    const payload = encodeWire({ p: this.id, s: ++this.seq, m: message });
    const ok = !this.closed && (await this.options.publish(this.options.channel, payload));
    this.options.observer.bus(ok ? 'published' : 'publish-error');
    return ok;
  }

  /** Unsubscribes and closes the subscriber connection. */
  async close(): Promise<void> {
    this.closed = true;
    await closeClient(this.options.subscriber);
  }

  /**
   * (Re)subscribes on every connect, and flushes once Redis confirmed it: anything L1 took in
   * before that could have missed a message. (The L2 makes a single-node subscriber without
   * ioredis's autoResubscribe, whose SUBSCRIBE tells nobody when it is done and has no handler;
   * a cluster's re-subscribes on its own too, and a second SUBSCRIBE is harmless.)
   */
  private subscribe(): void {
    if (this.closed) return;
    this.options.subscriber.subscribe(this.options.channel).then(
      () => {
        if (this.closed) return;
        this.listening = true;
        this.gap('subscribed');
      },
      () => { /* the connection dropped again: its next 'ready' subscribes */ },
    );
  }

  private receive(payload: Buffer): void {
    if (this.closed) return;
    const wire = decodeWire(payload);
    if ('invalid' in wire) {
      this.options.observer.bus('invalid');
      if (!this.loggedInvalid) {
        this.loggedInvalid = true;
        this.options.logger.warn(`cachegen: ignored a bus message on ${this.options.channel} (${wire.invalid}); L1 flushed, as for a lost message (logged once, counted as bus event "invalid")`);
      }
      this.gap('invalid');
      return;
    }
    if (wire.p === this.id) return;
    this.options.observer.bus('received');
    const last = this.lastSeen.get(wire.p);
    this.remember(wire.p, wire.s);
    // A publisher's first message is number 1; a later one seen first means earlier ones were lost
    // (or sent before this subscriber listened: one flush too many, never one too few).
    if (wire.s !== (last ?? 0) + 1) {
      this.gap('gap');
      return; // the flush covers this message too
    }
    this.options.onMessage(wire.m);
  }

  private remember(publisher: string, seq: number): void {
    this.lastSeen.delete(publisher);
    this.lastSeen.set(publisher, seq);
    if (this.lastSeen.size > MAX_PUBLISHERS) this.lastSeen.delete(this.lastSeen.keys().next().value!);
  }

  private gap(reason: GapReason): void {
    if (reason !== 'subscribed') this.options.observer.bus('gap');
    this.options.onGap(reason);
    this.options.observer.bus('flush');
  }
}
