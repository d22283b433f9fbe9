/**
 * vitest global setup: one Redis, PostgreSQL and NATS for the whole run.
 *
 * For each service the URL in the environment (REDIS_URL, DATABASE_URL, NATS_URL) wins;
 * otherwise a private instance is started on a free port and stopped when the run ends.
 * Tests read them with `inject('redisUrl')` etc. and isolate by key prefix, schema or subject.
 */
import type { TestProject } from 'vitest/node';
import { startNatsServer, startPostgres, startRedisServer, type RunningService } from '../support/services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
    databaseUrl: string;
    natsUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started: RunningService[] = [];
  const use = async (envName: string, start: () => Promise<RunningService>): Promise<string> => {
    const fromEnv = process.env[envName];
    if (fromEnv) return fromEnv;
    const service = await start();
    started.push(service);
    return service.url;
  };
  try {
    const [redisUrl, databaseUrl, natsUrl] = await Promise.all([
      use('REDIS_URL', () => startRedisServer()),
      use('DATABASE_URL', startPostgres),
      use('NATS_URL', startNatsServer),
    ]);
    project.provide('redisUrl', redisUrl);
    project.provide('databaseUrl', databaseUrl);
    project.provide('natsUrl', natsUrl);
  } catch (err) {
    await Promise.all(started.map((s) => s.stop()));
    throw err;
  }
  return async () => { await Promise.all(started.map((s) => s.stop())); };
}
