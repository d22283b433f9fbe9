/**
 * The invalidation bus: tells every other instance of a namespace which L1 entries to drop.
 *
 * Redis pub/sub is fire-and-forget, so each message carries its publisher's id and a
 * sequence number. A subscriber that sees a gap in a publisher's sequence, or reconnects,
 * cannot know what it missed, and asks for its L1 to be flushed. While it is disconnected
 * L1 keeps answering: when Redis is down, peers cannot invalidate through it either (they
 * replay their invalidations when it is back, and this subscriber flushes on reconnect).
 * An instance ignores its own messages. Publishing is retried a bounded number of times;
 * a message that still fails leaves a gap the peers detect on the next one.
 */
import { randomUUID } from 'node:crypto';
import type { CacheObserver } from '../metrics/observer.js';
import { closeClient, type RedisClient } from '../l2/store.js';

export type BusMessage =
  | { type: 'delete'; keys: string[] }
  | { type: 'tags'; tags: string[]; versions?: number[] }
  | { type: 'clear' };

interface Wire { p: string; s: number; m: BusMessage }

export interface BusOptions {
  channel: string;
  /** Publishes one message; false when it failed. */
  publish: (channel: string, message: string) => Promise<boolean>;
  /** A connection of its own, used only to subscribe; the bus closes it. */
  subscriber: RedisClient;
  observer: CacheObserver;
  /** Applies a peer's message to the local L1. */
  onMessage: (message: BusMessage) => void;
  /** Flushes the local L1: something may have been missed. */
  onGap: (reason: 'gap' | 'reconnect' | 'subscribed') => void;
  publishAttempts?: number;
}

export class InvalidationBus {
  /** This instance's publisher id. */
  readonly id = randomUUID();
  private seq = 0;
  private readonly lastSeen = new Map<string, number>();
  private subscribed = false;
  private closed = false;
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: BusOptions) {
    const sub = options.subscriber;
    sub.on('error', () => { /* a lost connection is reported through close/ready below */ });
    sub.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.receive(payload));
    sub.on('ready', () => {
      // ioredis re-subscribes on reconnect; anything published meanwhile is lost.
      if (this.subscribed && !this.closed) this.gap('reconnect');
    });
  }

  /**
   * Subscribes to the channel (waiting for Redis as long as it takes). Once subscribed, it
   * flushes L1: what was cached before could have missed an invalidation.
   */
  start(): void {
    this.options.subscriber.subscribe(this.options.channel).then(() => {
      if (this.closed) return;
      this.subscribed = true;
      this.options.onGap('subscribed');
      this.options.observer.bus('flush');
    }, () => { /* closed before it could subscribe */ });
  }

  /** Sends a message to every other instance; never throws. */
  async publish(message: BusMessage): Promise<void> {
    const payload = JSON.stringify({ p: this.id, s: ++this.seq, m: message } satisfies Wire);
    const attempts = this.options.publishAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      if (await this.options.publish(this.options.channel, payload)) {
        this.options.observer.bus('published');
        return;
      }
      if (attempt >= attempts || this.closed) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => { this.retryTimers.delete(timer); resolve(); }, 10 * 4 ** (attempt - 1));
        this.retryTimers.add(timer);
      });
    }
    this.options.observer.bus('publish-error');
  }

  /** Unsubscribes and closes the subscriber connection. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    await closeClient(this.options.subscriber);
  }

  private receive(payload: Buffer): void {
    let wire: Wire;
    try { wire = JSON.parse(payload.toString('utf8')) as Wire; } catch { return; }
    if (wire.p === this.id || typeof wire.s !== 'number') return;
    this.options.observer.bus('received');
    const last = this.lastSeen.get(wire.p);
    this.lastSeen.set(wire.p, wire.s);
    if (last !== undefined && wire.s !== last + 1) {
      this.gap('gap');
      return; // the flush covers this message too
    }
    this.options.onMessage(wire.m);
  }

  private gap(reason: 'gap' | 'reconnect'): void {
    this.options.observer.bus('gap');
    this.options.onGap(reason);
    this.options.observer.bus('flush');
  }
}
