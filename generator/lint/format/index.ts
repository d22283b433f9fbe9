export { formatPretty } from './pretty.js';
export { formatJson } from './json.js';
export { formatSarif } from './sarif.js';
export { formatGithub } from './github.js';
export const FORMATS = ['pretty', 'json', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];
