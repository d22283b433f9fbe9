/** GraphQL caching: canonical keys and a Fastify handler for POST queries (`cachegen/runtime/graphql`). */
export { graphqlKey, normalizeRequest, type GraphqlRequest } from './key.js';
export { normalizeOperation, GraphqlNormalizeError, type NormalizedOperation } from './normalize.js';
export { graphqlCacheHandler, graphqlCache, type GraphqlCacheOptions } from './fastify.js';
