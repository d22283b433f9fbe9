/** What a generated client.ts imports: the caller and the error it throws. */
export { ApiError, createCaller, type CallArgs, type ClientOperation, type ClientOptions } from './caller.js';
