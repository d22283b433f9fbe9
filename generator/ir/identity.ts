/**
 * Where an operation's caller identity comes from, derived from its effective security
 * requirements (docs/architecture.md, invariant 4): the server and the generated client key
 * private entries by exactly these request values.
 */
import { CREDENTIAL_HEADERS, type IdentitySource } from '@cachegen/runtime';

type Obj = Record<string, unknown>;

const AUTHORIZATION: IdentitySource = { in: 'header', name: 'authorization' };

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The request value one security scheme authenticates with; undefined when it names none (mutualTLS, unknown). */
export function schemeIdentity(scheme: Obj | undefined): IdentitySource | undefined {
  if (!scheme) return undefined;
  switch (scheme.type) {
    case 'apiKey': {
      const where = scheme.in;
      if (typeof scheme.name !== 'string' || !scheme.name) return undefined;
      if (where === 'header') return { in: 'header', name: scheme.name.toLowerCase() };
      if (where === 'cookie' || where === 'query') return { in: where, name: scheme.name };
      return undefined;
    }
    case 'http':
    case 'oauth2':
    case 'openIdConnect':
      return AUTHORIZATION;
    default:
      return undefined;
  }
}

/**
 * Every identity source the operation's effective requirements name (operation-level `security`
 * overrides the root; `security: []` means none), in spec order, each once.
 * `resolveScheme` looks a scheme up by name in components.securitySchemes ($refs resolved).
 */
export function identitySources(
  requirements: readonly unknown[],
  resolveScheme: (name: string) => Obj | undefined,
): IdentitySource[] {
  const byKey = new Map<string, IdentitySource>();
  for (const requirement of requirements) {
    if (!isObject(requirement)) continue;
    for (const name of Object.keys(requirement)) {
      const source = schemeIdentity(resolveScheme(name));
      const key = source && `${source.in}:${source.name}`;
      if (source && key && !byKey.has(key)) byKey.set(key, source);
    }
  }
  return [...byKey.values()];
}

/** Credentials the runtime hashes whatever the table says. */
const ALWAYS_HASHED = new Set(CREDENTIAL_HEADERS.map((name) => `header:${name}`));

/**
 * The request values any security scheme of the document authenticates with, beyond the ones the
 * runtime always treats as credentials (Authorization, Cookie): apiKey headers and query
 * parameters. Every cached operation's key hashes them (HMAC), wherever they enter it (a `vary`,
 * the query), so no raw credential reaches a key or Redis. Sorted, each once.
 */
export function documentCredentials(schemes: Record<string, unknown>, resolveScheme: (name: string) => Obj | undefined): IdentitySource[] {
  const byKey = new Map<string, IdentitySource>();
  for (const name of Object.keys(schemes)) {
    const source = schemeIdentity(resolveScheme(name));
    if (!source || source.in === 'cookie') continue;
    const key = `${source.in}:${source.name}`;
    if (!ALWAYS_HASHED.has(key)) byKey.set(key, source);
  }
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, source]) => source);
}
