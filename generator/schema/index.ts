export * from './x-cache.js';
