/** Cache keys: pure functions from a request to a string that no other request can produce. */
export { CREDENTIAL_HEADERS, createRestKeyer, type RestKeyInput, type RestKeyOptions, type RestKeyer } from './rest.js';
export { normalizeQuery, createQueryFilter, canonicalJson, globsToRegExp, type QueryFilter, type QueryRedaction } from './query.js';
export { readHeader, type HeaderBag } from './headers.js';
export { AUTHORIZATION_SOURCE, createIdentityDigest, credentialOf, identityPart, type IdentityDigest, type IdentitySource } from './identity.js';
export { encodeComponent, canonicalQueryComponent, decodeQueryComponent } from './encode.js';
export { boundKey } from './bound.js';
export { BoundedMap, boundedMemo } from './memo.js';
