/** The operation table generated code holds, and how client and server read it. */
export * from './table.js';
