/** Tag templates: their parsed form and rendering them for one request or response. */
export * from './types.js';
export * from './render.js';
