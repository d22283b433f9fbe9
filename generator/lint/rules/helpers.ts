/** Small questions several rules ask about operations. */
import type { IrCache, IrOperation, SourceLocation } from '../../ir/types.js';
import { isMutation } from '../../ir/method.js';

export { isMutation };

/** Operations that store responses: x-cache present, not sensitive, not a mutation. */
export function storedOperations(ops: IrOperation[]): Array<IrOperation & { cache: IrCache }> {
  return ops.filter((op): op is IrOperation & { cache: IrCache } => !!op.cache && !op.cache.policy.sensitive && !isMutation(op));
}

/** Where a policy field was written, or the x-cache object when it was not written at all. */
export function fieldLocation(cache: IrCache, field: keyof IrCache['fields']): SourceLocation {
  return cache.fields[field] ?? cache.location;
}

/** `GET /products/{id}`, for messages. */
export function describe(op: IrOperation): string {
  return `${op.method.toUpperCase()} ${op.path}`;
}

/** Success responses (2xx, 2XX, and `default` when there is no explicit 2xx). */
export function successResponses(op: IrOperation): IrOperation['responses'] {
  const ok = op.responses.filter((r) => /^2(\d\d|XX)$/i.test(r.status));
  return ok.length ? ok : op.responses.filter((r) => r.status === 'default');
}
