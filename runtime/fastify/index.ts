/** The run-time half of a generated server: route registration, prepared responses, tags. */
export * from './operation.js';
export * from './prepared.js';
export * from './reply.js';
export * from './tags.js';
export * from './register.js';
