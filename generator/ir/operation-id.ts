/**
 * operationIds derived from method and path when the spec has none. The rule (documented in
 * docs/x-cache.md): method, then each path segment in PascalCase, a `{param}` becoming `By<Param>`.
 * `get /products/{id}` → `getProductsById`; `post /users/{userId}/orders` → `postUsersByUserIdOrders`;
 * `get /` → `getRoot`.
 */

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}

/** The operationId for an operation without one; same input, same name. */
export function deriveOperationId(method: string, path: string): string {
  const parts = path
    .split('/')
    .filter(Boolean)
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      return param ? 'By' + pascal(param[1]!) : pascal(segment);
    });
  return method.toLowerCase() + (parts.length ? parts.join('') : 'Root');
}
