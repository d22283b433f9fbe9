/**
 * `@cachegen/runtime`: the cache and everything generated code imports at run time. Loads no
 * third-party package by itself; integrations load their optional peer dependency when used
 * (ioredis for an L2) or live on their own subpaths: `@cachegen/runtime/fastify`,
 * `/prometheus`, `/cdc`, `/graphql`, `/grpc`.
 */
export * from './l1/index.js';
export * from './cache/index.js';
export * from './keys/index.js';
export * from './tags/index.js';
export * from './http/index.js';
export * from './metrics/index.js';
export * from './client/index.js';
export * from './operations/index.js';
