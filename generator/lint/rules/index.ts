/** Every lint rule, in the order they are documented (docs/lint-rules.md). */
import type { Rule } from '../types.js';
import { authWithoutIdentity } from './auth-without-identity.js';
import { credentialInKey } from './credential-in-key.js';
import { edgeUnpurgeableTag } from './edge-unpurgeable-tag.js';
import { headerParameterVary } from './header-parameter-vary.js';
import { highCardinalityVary } from './high-cardinality-vary.js';
import { invalidatesOnRead } from './invalidates-on-read.js';
import { invalidationMatchesNothing } from './invalidation-matches-nothing.js';
import { keyQueryUnknown } from './key-query-unknown.js';
import { missingTtl } from './missing-ttl.js';
import { mutationWithoutInvalidation } from './mutation-without-invalidation.js';
import { noCacheOnMutation } from './no-cache-on-mutation.js';
import { noStoreViolation } from './no-store-violation.js';
import { privateWithSMaxAge } from './private-with-s-maxage.js';
import { setCookieShared } from './set-cookie-shared.js';
import { swrWithoutTtl } from './swr-without-ttl.js';
import { ttlExceedsMax } from './ttl-exceeds-max.js';
import { unknownTagParameter } from './unknown-tag-parameter.js';
import { varyStar } from './vary-star.js';

export const rules: ReadonlyArray<Rule<any>> = [
  noCacheOnMutation,
  noStoreViolation,
  authWithoutIdentity,
  setCookieShared,
  unknownTagParameter,
  invalidationMatchesNothing,
  mutationWithoutInvalidation,
  privateWithSMaxAge,
  varyStar,
  highCardinalityVary,
  headerParameterVary,
  credentialInKey,
  swrWithoutTtl,
  ttlExceedsMax,
  missingTtl,
  keyQueryUnknown,
  invalidatesOnRead,
  edgeUnpurgeableTag,
];

/** Problems found while building the IR, reported under these rule ids (severity error, configurable). */
export const irRules = [
  { id: 'valid-x-cache', description: 'x-cache, x-cache-defaults and x-cache-invalidates must match their schema (generator/schema/x-cache.schema.json, exported as cachegen/x-cache.schema.json).' },
  { id: 'valid-tag-template', description: 'Tag templates must be well-formed: literal text and {param}, {query.x}, {header.x}, {response.a.b}, {body.a.b}.' },
  { id: 'unique-operation-id', description: 'operationIds must be unique across the spec.' },
] as const;
