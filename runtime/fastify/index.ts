/** `@cachegen/runtime/fastify`: what a generated server.ts imports: route registration and prepared responses. */
export * from './operation.js';
export * from './handler-types.js';
export * from './prepared.js';
export * from './reply.js';
export * from './register.js';
export * from './plugin.js';
