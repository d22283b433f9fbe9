/**
 * Optional peer dependencies, loaded only when a feature that needs them is used: an L1-only
 * app never loads ioredis, one without metrics never loads prom-client. Every peer the runtime
 * uses is CommonJS, so it loads synchronously and `createCache()` stays synchronous.
 */
import { createRequire } from 'node:module';

const load = createRequire(import.meta.url);

/** The packages the runtime may load, and what each is for (for the error message). */
export const PEERS = {
  ioredis: 'the Redis L2 and invalidation bus (createCache({ l2 }))',
  'prom-client': 'Prometheus metrics (@cachegen/runtime/prometheus)',
  pg: 'PostgreSQL change-data-capture (@cachegen/runtime/cdc)',
  nats: 'NATS change-data-capture (@cachegen/runtime/cdc)',
  kafkajs: 'Kafka change-data-capture (@cachegen/runtime/cdc)',
  zod: 'validating a CDC config (@cachegen/runtime/cdc)',
  '@grpc/grpc-js': 'the gRPC interceptor (@cachegen/runtime/grpc)',
  graphql: 'GraphQL cache keys (@cachegen/runtime/graphql)',
} as const;

export type PeerName = keyof typeof PEERS;

/** Loads an optional peer dependency, or throws an error that names the package to install. */
export function requirePeer<T>(name: PeerName): T {
  try {
    return load(name) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String((err as Error).message).includes(`'${name}'`)) throw err;
    const error = new Error(`@cachegen/runtime: ${PEERS[name]} needs the package "${name}", which is not installed. Install it next to @cachegen/runtime: npm i ${name}`);
    (error as NodeJS.ErrnoException).code = 'CACHEGEN_MISSING_PEER';
    throw error;
  }
}
