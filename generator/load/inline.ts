/** A synchronous stand-in for bundling: external `$ref`s are replaced by the values they name. */
import { resolveRefTarget, type SourceSet } from './source.js';

/** Returns the root document with every `$ref` into another file inlined (local refs kept; cycles kept as refs). */
export function inlineExternalRefs(sources: SourceSet, rootFile: string): unknown {
  const visit = (value: unknown, file: string, stack: Set<string>): unknown => {
    if (Array.isArray(value)) return value.map((item) => visit(item, file, stack));
    if (typeof value !== 'object' || value === null) return value;
    const ref = (value as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const target = resolveRefTarget(file, ref);
      if (target.file === rootFile) return { ...(value as object), $ref: target.pointer };
      const key = target.file + target.pointer;
      if (stack.has(key)) return value;
      const next = new Set(stack).add(key);
      return visit(sources.valueAt(target.file, target.pointer), target.file, next);
    }
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) out[key] = visit(child, file, stack);
    return out;
  };
  return visit(sources.get(rootFile).value, rootFile, new Set());
}
