/** Helpers shared by the CDC tests: unique names, waiting on events, a recording invalidator. */
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import { noopObserver, type CacheObserver } from '../../runtime/metrics/observer.js';
import type { Invalidator } from '@cachegen/runtime/cdc';

/** A lowercase name unique to this run, usable as a PostgreSQL identifier or NATS token. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Resolves with the arguments of the next `event` whose arguments satisfy `accept`. */
export function nextEvent<A extends unknown[]>(emitter: EventEmitter, event: string, accept: (...args: A) => boolean = () => true): Promise<A> {
  return new Promise((resolve) => {
    const listener = (...args: unknown[]) => {
      if (!accept(...(args as A))) return;
      emitter.off(event, listener);
      resolve(args as A);
    };
    emitter.on(event, listener);
  });
}

/** An Invalidator that records every call, and can be told to fail the next calls. */
export class RecordingInvalidator implements Invalidator {
  readonly calls: string[][] = [];
  failNext = 0;
  async invalidateTags(tags: string[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('invalidation refused (test)');
    }
    this.calls.push([...tags]);
  }
}

/** An observer that lets a test wait for an instance's bus subscription, and for the next bus message it receives. */
export function busWatcher(): CacheObserver & { nextReceived(): Promise<void>; subscribed(): Promise<void> } {
  let waiters: Array<() => void> = [];
  let markSubscribed!: () => void;
  const subscribed = new Promise<void>((resolve) => { markSubscribed = resolve; });
  return {
    ...noopObserver,
    bus(event) {
      // The first flush is the one after the subscription: messages published before it are not heard.
      if (event === 'flush') markSubscribed();
      if (event !== 'received') return;
      const ready = waiters;
      waiters = [];
      // The cache applies the message right after reporting it: resolve on the next turn.
      for (const resolve of ready) setImmediate(resolve);
    },
    nextReceived() {
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    subscribed: () => subscribed,
  };
}
