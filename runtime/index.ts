/**
 * cachegen/runtime: everything generated code imports at run time.
 * Heavy or optional integrations live on their own subpaths so an app loads only what it uses:
 * `cachegen/runtime/cdc`, `cachegen/runtime/graphql`, `cachegen/runtime/grpc`.
 */
export * from './l1/index.js';
export * from './cache/index.js';
export * from './keys/index.js';
export * from './http/index.js';
export * from './metrics/index.js';
export * from './fastify/index.js';
