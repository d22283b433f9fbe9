/**
 * "Did you mean ttl?": the closest valid name to a misspelt one, for x-cache fields, config
 * options and rule names. An unknown name is usually a typo; naming the fix saves a trip to the docs.
 */
import type { z } from 'zod';

/** Edit distance with adjacent transpositions counted as one edit (`tll` → `ttl` is 1). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Ignores case and word separators: `stale_if_error` is near `staleIfError`. */
function normalized(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/** The candidate closest to `name`, if close enough to be a likely typo (about one edit in three letters). */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  const wanted = normalized(name);
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(wanted, normalized(candidate));
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(wanted.length / 3)) ? best.candidate : undefined;
}

/** ` (did you mean "ttl"?)`, or nothing when no candidate is close. */
export function didYouMean(name: string, candidates: readonly string[]): string {
  const closest = closestName(name, candidates);
  return closest === undefined ? '' : ` (did you mean "${closest}"?)`;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  in?: z.ZodType;
  valueType?: z.ZodType;
  element?: z.ZodType;
  items?: z.ZodType[];
  options?: z.ZodType[];
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/** The object schemas `schema` may be once wrappers (optional, default, pipe, union) are looked through. */
function objectsIn(schema: z.ZodType): Array<Record<string, z.ZodType>> {
  const def = defOf(schema);
  if (def.type === 'object') return [def.shape!];
  if (def.type === 'union') return def.options!.flatMap(objectsIn);
  const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  return inner ? objectsIn(inner) : [];
}

/** The schemas at one step of a path below `schema`: an object's field, a record's value, an array's element. */
function childSchemas(schema: z.ZodType, segment: PropertyKey): z.ZodType[] {
  const def = defOf(schema);
  const inner = def.innerType ?? (def.type === 'pipe' ? def.in : undefined);
  if (inner) return childSchemas(inner, segment);
  if (def.type === 'object') return def.shape![String(segment)] ? [def.shape![String(segment)]!] : [];
  if (def.type === 'union') return def.options!.flatMap((option) => childSchemas(option, segment));
  if (def.type === 'record') return [def.valueType!];
  if (def.type === 'array') return [def.element!];
  if (def.type === 'tuple' && typeof segment === 'number') return def.items![segment] ? [def.items![segment]!] : [];
  return [];
}

/** The field names valid in the object at `path` below `schema` (what an unknown key there could have meant). */
export function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let schemas = [schema];
  for (const segment of path) schemas = schemas.flatMap((s) => childSchemas(s, segment));
  return [...new Set(schemas.flatMap(objectsIn).flatMap((shape) => Object.keys(shape)))];
}

/** One problem at a path inside a validated value. */
export interface PathIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * Zod issues as path + message, with every unknown key its own issue (its path ends with the key)
 * naming the closest valid one: `unknown field (did you mean "ttl"?)` (`what`: "field", "option").
 */
export function issuesWithSuggestions(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], what: string): PathIssue[] {
  return issues.flatMap((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    if (issue.code !== 'unrecognized_keys') return [{ path, message: issue.message }];
    const known = knownKeys(schema, issue.path);
    return issue.keys.map((key) => ({ path: [...path, key], message: `unknown ${what}${didYouMean(key, known)}` }));
  });
}
