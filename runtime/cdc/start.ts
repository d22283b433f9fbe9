/**
 * One call from a validated `cdc` config to running feeds: the PostgreSQL listener, the NATS
 * consumer and the Kafka consumer, whichever the config sets, all invalidating one cache.
 */
import type { CacheObserver } from '../metrics/observer.js';
import type { CdcConfig, CdcTables } from './config.js';
import type { Invalidator } from './handler.js';
import { KafkaCdcConsumer } from './kafka.js';
import { NatsCdcConsumer } from './nats.js';
import { PostgresCdcListener } from './postgres/listener.js';

export interface RunningCdc {
  postgres?: PostgresCdcListener;
  nats?: NatsCdcConsumer;
  kafka?: KafkaCdcConsumer;
  /** Stops every feed. */
  close(): Promise<void>;
}

/** Starts every feed the config sets; resolves once each is connected (the PostgreSQL listener keeps retrying until it is). */
export async function startCdc(config: CdcConfig, options: { invalidator: Invalidator; observer?: CacheObserver; log?: (message: string) => void }): Promise<RunningCdc> {
  const { invalidator, observer, log } = options;
  const fallbackTables: CdcTables = config.postgres?.tables ?? {};
  const running: RunningCdc = {
    async close() {
      await Promise.all([running.postgres?.close(), running.nats?.close(), running.kafka?.close()]);
    },
  };
  try {
    if (config.postgres) {
      running.postgres = new PostgresCdcListener({ ...config.postgres, invalidator, observer, log });
      await running.postgres.start();
    }
    if (config.nats) {
      running.nats = new NatsCdcConsumer({ ...config.nats, tables: config.nats.tables ?? fallbackTables, invalidator, observer, log });
      await running.nats.start();
    }
    if (config.kafka) {
      running.kafka = new KafkaCdcConsumer({ ...config.kafka, tables: config.kafka.tables ?? fallbackTables, invalidator, observer, log });
      await running.kafka.start();
    }
  } catch (err) {
    await running.close().catch(() => undefined);
    throw err;
  }
  return running;
}
