export * from './observer.js';
