/**
 * Spec strings → TypeScript names (docs/codegen.md, "Names"). Every operation gets one camelCase
 * name, unique in its document, that the generated files use for its handler, its client method
 * and (capitalized) its request and response types: `find pet by id` → `findPetById`,
 * `monitoring_get_appRestartCountMetrics.yml` → `monitoringGetAppRestartCountMetricsYml`.
 * A name is built from ASCII letters and digits only, so it is a valid identifier by construction
 * and never needs quoting.
 */
import { deriveOperationId } from './operation-id.js';
import type { IrOperation } from './types.js';

/**
 * Names of Object.prototype members: as keys of an object literal typed by an index signature
 * they lose their contextual type in TypeScript, and looked up in a plain object they find the
 * prototype's member. They count as taken.
 */
const PROTOTYPE_NAMES: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

/** The words of a spec string: runs of ASCII letters and digits, accents stripped (`créer` → `creer`). */
function words(text: string): string[] {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').split(/[^A-Za-z0-9]+/).filter(Boolean);
}

/** Lower-cases a word's leading capital (or leading acronym): `Get` → `get`, `HTTPStatus` → `httpStatus`, `URL` → `url`. */
function lowerFirst(word: string): string {
  const acronym = /^[A-Z]+(?=[A-Z][a-z]|[0-9]|$)/.exec(word)?.[0];
  const head = acronym && acronym.length > 1 ? acronym : word.slice(0, 1);
  return head.toLowerCase() + word.slice(head.length);
}

/**
 * The camelCase identifier for a spec string, or '' when it holds no ASCII letter or digit.
 * A name that would start with a digit gets a leading `_` (`2fa verify` → `_2faVerify`).
 */
export function camelCase(text: string): string {
  const parts = words(text);
  if (parts.length === 0) return '';
  const name = lowerFirst(parts[0]!) + parts.slice(1).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  return /^[0-9]/.test(name) ? '_' + name : name;
}

/** The PascalCase form of a name from `camelCase`, for type names: `getProduct` → `GetProduct`. */
export function pascalCase(name: string): string {
  return name.slice(0, 1).toUpperCase() + name.slice(1);
}

/**
 * Gives every operation its `name`. An operationId that already is its own camelCase form keeps
 * it; the others follow in spec order, then operations without an operationId (named after
 * method and path). A name already taken (or an Object.prototype member such as `toString`) gets
 * the first free numeric suffix (`getUser2`), so names are unique and the same spec always gives
 * the same names.
 */
export function assignNames(operations: IrOperation[]): void {
  const taken = new Set<string>(PROTOTYPE_NAMES);
  const derivedName = (op: IrOperation): string => camelCase(deriveOperationId(op.method, op.path));
  const claim = (op: IrOperation, base: string): void => {
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}${n}`;
    taken.add(name);
    op.name = name;
  };
  const explicit = operations.filter((op) => !op.operationIdDerived);
  const verbatim = new Set(explicit.filter((op) => camelCase(op.operationId) === op.operationId));
  for (const op of verbatim) claim(op, op.operationId);
  for (const op of explicit) if (!verbatim.has(op)) claim(op, camelCase(op.operationId) || derivedName(op));
  for (const op of operations) if (op.operationIdDerived) claim(op, derivedName(op));
}
