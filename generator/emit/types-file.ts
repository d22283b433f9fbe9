/**
 * types.ts: TypeScript types of the whole spec, by openapi-typescript from the bundled document,
 * then each operation's request and response types under their own names (`GetProductRequest`,
 * `GetProductResponse`), which server.ts and client.ts use.
 *
 * openapi-typescript turns keys into JSON pointers and decodes them again as URI fragments, so a
 * `%` that is no escape makes it throw and a `#` can file a schema or an operation under another
 * name. It therefore reads a copy in which every operationId is the operation's generated name
 * (the key the other generated files use: `operations['findPetById']`) and every `%` and `#` of
 * every string is a placeholder character, put back in the printed text.
 */
import { astToString, resolveRef, scanDiscriminators, transformSchema, type GlobalContext, type OpenAPI3 } from 'openapi-typescript';
import { fromPointer, toPointer } from '../load/pointer.js';
import { resolveSchema } from '../ir/schema-walk.js';
import type { IrDocument, IrOperation } from '../ir/types.js';
import { operationTypes, servedOperations } from './operation-shape.js';
import { docComment, LINE_WIDTH, normalizePrinted, printFile } from './printer.js';

type Obj = Record<string, unknown>;

/** Two characters the document does not contain, to stand for `%` and `#` (from the private use area). */
function placeholderCharacters(text: string): [percent: string, hash: string] {
  const free: string[] = [];
  for (let code = 0xe000; free.length < 2; code++) if (!text.includes(String.fromCharCode(code))) free.push(String.fromCharCode(code));
  return [free[0]!, free[1]!];
}

/**
 * A deep copy of `value` with `%` and `#` replaced in every key and string. Local pointers (`$ref`s,
 * discriminator mappings) are decoded, swapped segment by segment and encoded again, so they still
 * point where they did.
 */
function withPlaceholders(value: unknown, swap: (text: string) => string): unknown {
  if (typeof value === 'string') return value.startsWith('#/') ? toPointer(fromPointer(value).map(swap)) : swap(value);
  if (Array.isArray(value)) return value.map((item) => withPlaceholders(item, swap));
  if (value === null || typeof value !== 'object') return value;
  const out: Obj = {};
  for (const [key, item] of Object.entries(value)) out[swap(key)] = withPlaceholders(item, swap);
  return out;
}

/** The document openapi-typescript reads, and how to turn its output back into the spec's strings. */
function documentForTypes(ir: IrDocument): { document: Obj; restore: (text: string) => string } {
  const document = structuredClone(ir.bundled);
  const paths = (document.paths ?? {}) as Obj;
  for (const op of ir.operations) {
    const operation = resolveSchema(document, paths[op.path])?.[op.method];
    if (operation && typeof operation === 'object') (operation as Obj).operationId = op.name;
  }
  const json = JSON.stringify(document);
  if (!json.includes('%') && !json.includes('#')) return { document, restore: (text) => text };
  const [percent, hash] = placeholderCharacters(json);
  const swap = (text: string) => text.replace(/%/g, percent).replace(/#/g, hash);
  const copy = withPlaceholders(document, swap) as Obj;
  return { document: copy, restore: (text) => text.split(percent).join('%').split(hash).join('#') };
}

/**
 * openapi-typescript's transform with the options `openapiTS` defaults to, on a document cachegen
 * has already loaded, checked and bundled: `openapiTS` would parse, lint and bundle it again
 * (more than half its time on a large spec) before this same call.
 */
function openapiTypes(document: Obj): ReturnType<typeof transformSchema> {
  const schema = document as unknown as OpenAPI3;
  const options = { silent: true };
  const ctx: GlobalContext = {
    additionalProperties: false, alphabetize: false, arrayLength: false, defaultNonNullable: true,
    discriminators: scanDiscriminators(schema, options), emptyObjectsUnknown: false, enum: false,
    enumValues: false, conditionalEnums: false, dedupeEnums: false, excludeDeprecated: false,
    exportType: false, immutable: false, rootTypes: false, rootTypesNoSchemaPrefix: false,
    rootTypesKeepCasing: false, injectFooter: [], pathParamsAsTypes: false, postTransform: undefined,
    propertiesRequiredByDefault: false, redoc: undefined as never, silent: true, inject: undefined,
    transform: undefined, transformProperty: undefined, makePathsEnum: false, generatePathParams: false,
    readWriteMarkers: false,
    resolve: ($ref) => resolveRef(schema, $ref, { silent: true }),
  };
  return transformSchema(schema, ctx);
}

/** `export type Name = type;`, the type on its own line when the whole does not fit. */
function typeAlias(name: string, type: string): string {
  const line = `export type ${name} = ${type};`;
  return line.length <= LINE_WIDTH ? line : `export type ${name} =\n  ${type};`;
}

/** The request interface and the response type of one operation, under its doc comment. */
function operationBlock(op: IrOperation): string {
  const types = operationTypes(op);
  const lines = [docComment([`${op.method.toUpperCase()} ${op.path}${op.summary ? `: ${op.summary}` : ''}`])];
  if (types.request) {
    lines.push(`export interface ${types.request} {`);
    for (const field of types.fields) lines.push(`  ${field.name}${field.optional ? '?' : ''}: ${field.type};`);
    lines.push('}');
  }
  if (types.responseType) lines.push(typeAlias(types.response, types.responseType));
  return lines.length > 1 ? lines.join('\n') : '';
}

/** The text of types.ts. */
export async function emitTypes(ir: IrDocument): Promise<string> {
  const { document, restore } = documentForTypes(ir);
  const spec = normalizePrinted(restore(astToString(openapiTypes(document)).replace(/\r\n/g, '\n')));
  const operations = servedOperations(ir.operations).map(operationBlock).filter(Boolean);
  return printFile(ir, [], [spec, ...operations]);
}
