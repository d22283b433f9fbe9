export * from './types.js';
export { buildIr } from './build.js';
export { deriveOperationId } from './operation-id.js';
export { camelCase, pascalCase } from './names.js';
export { isMutation } from './method.js';
export { parseTagTemplate, formatTagParts } from '@cachegen/runtime';
export { effectivePolicy, POLICY_DEFAULTS } from './policy.js';
export { resolveSchema, collectFields, lookupField, type SchemaField, type FieldLookup } from './schema-walk.js';
