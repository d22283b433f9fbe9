/** Tag templates: one grammar (parse, validate, format) and rendering it for a request, a response or a row. */
export * from './types.js';
export * from './parse.js';
export * from './render.js';
