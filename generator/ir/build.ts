/**
 * Builds the IR from a loaded spec: operations normalized (operationId, parameters, responses,
 * security, effective cache policy, parsed tag templates, invalidations), each with its source location.
 * Structure and schemas come from the bundled document; locations from the files as written.
 */
import type { LoadedSpec } from '../load/load-spec.js';
import { validateInvalidates, validateXCache, type XCache, type XCacheIssue } from '../schema/x-cache.js';
import { documentCredentials, identitySources } from './identity.js';
import { assignNames } from './names.js';
import { deriveOperationId } from './operation-id.js';
import { effectivePolicy, failClosedPolicy, varyOnParameters } from './policy.js';
import { resolveSchema } from './schema-walk.js';
import { parseTagTemplate } from '@cachegen/runtime';
import type {
  HttpMethod,
  IrCache,
  IrDiagnostic,
  IrDocument,
  IrOperation,
  IrParameter,
  IrResponse,
  IrSecurity,
  JsonSchema,
  SourceLocation,
  TagTemplate,
} from './types.js';
import type { CachePolicy } from '@cachegen/runtime';

const METHODS: HttpMethod[] = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options', 'trace'];
type Obj = Record<string, unknown>;
type Segment = string | number;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Everything one build needs at hand. */
class Builder {
  readonly diagnostics: IrDiagnostic[] = [];
  readonly securitySchemes: Obj;
  /** True when x-cache-defaults has an error: every x-cache under it then fails closed. */
  defaultsInvalid = false;
  constructor(readonly spec: LoadedSpec) {
    const components = isObject(spec.bundled.components) ? spec.bundled.components : {};
    this.securitySchemes = isObject(components.securitySchemes) ? components.securitySchemes : {};
  }

  at(segments: Segment[]): SourceLocation {
    return this.spec.sources.locate(this.spec.file, segments);
  }

  deref(value: unknown): Obj | undefined {
    return resolveSchema(this.spec.bundled, value);
  }

  report(rule: IrDiagnostic['rule'], message: string, segments: Segment[]): void {
    this.diagnostics.push({ rule, message, location: this.at(segments) });
  }

  reportIssues(issues: XCacheIssue[], base: Segment[], what: string): void {
    for (const issue of issues) {
      const field = issue.path.length ? `${what}.${issue.path.join('.')}` : what;
      this.report('valid-x-cache', `${field}: ${issue.message}`, [...base, ...issue.path]);
    }
  }
}

/** Builds the IR. Never throws on annotations: problems become `diagnostics` that lint reports. */
export function buildIr(spec: LoadedSpec): IrDocument {
  const b = new Builder(spec);
  const bundled = spec.bundled;
  const info = isObject(bundled.info) ? bundled.info : {};
  const components = isObject(bundled.components) ? bundled.components : {};

  let defaults: XCache = {};
  if (bundled['x-cache-defaults'] !== undefined) {
    const result = validateXCache(bundled['x-cache-defaults']);
    b.reportIssues(result.issues, ['x-cache-defaults'], 'x-cache-defaults');
    defaults = result.value;
    b.defaultsInvalid = result.issues.length > 0;
  }

  const operations: IrOperation[] = [];
  const paths = isObject(bundled.paths) ? bundled.paths : {};
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = b.deref(rawItem);
    if (!item) continue;
    for (const method of METHODS) {
      if (!isObject(item[method])) continue;
      operations.push(buildOperation(b, path, item, method, defaults));
    }
  }
  assignUniqueIds(b, operations);
  assignNames(operations);

  return {
    openapiVersion: spec.openapiVersion,
    title: typeof info.title === 'string' ? info.title : '',
    version: typeof info.version === 'string' ? info.version : '',
    file: spec.file,
    files: spec.files,
    operations,
    schemas: isObject(components.schemas) ? (components.schemas as Record<string, JsonSchema>) : {},
    securitySchemes: isObject(components.securitySchemes) ? (components.securitySchemes as IrDocument['securitySchemes']) : {},
    credentials: documentCredentials(b.securitySchemes, (name) => b.deref(b.securitySchemes[name])),
    bundled,
    diagnostics: b.diagnostics,
  };
}

function buildOperation(b: Builder, path: string, item: Obj, method: HttpMethod, defaults: XCache): IrOperation {
  const op = item[method] as Obj;
  const base: Segment[] = ['paths', path, method];
  const explicitId = typeof op.operationId === 'string' && op.operationId ? op.operationId : undefined;
  const operation: IrOperation = {
    operationId: explicitId ?? deriveOperationId(method, path),
    operationIdDerived: !explicitId,
    name: '',
    method,
    path,
    tags: Array.isArray(op.tags) ? op.tags.filter((t): t is string => typeof t === 'string') : [],
    parameters: buildParameters(b, path, item, method),
    responses: buildResponses(b, op, base),
    security: buildSecurity(b, op),
    identity: identitySources(effectiveRequirements(b, op), (name) => b.deref(b.securitySchemes[name])),
    invalidates: [],
    location: b.at(base),
  };
  if (typeof op.summary === 'string') operation.summary = op.summary;
  const body = b.deref(op.requestBody);
  if (body) {
    operation.requestBody = { required: body.required === true, content: buildContent(b, body.content), location: b.at([...base, 'requestBody']) };
  }
  if (op['x-cache'] !== undefined) {
    operation.cache = buildCache(b, op['x-cache'], base, defaults, operation.security.schemes.length > 0);
    varyOnParameters(operation.cache, operation.parameters);
  }
  if (op['x-cache-invalidates'] !== undefined) {
    operation.invalidatesDeclared = true;
    const where = [...base, 'x-cache-invalidates'];
    const result = validateInvalidates(op['x-cache-invalidates']);
    b.reportIssues(result.issues, where, 'x-cache-invalidates');
    const raw = op['x-cache-invalidates'];
    const entries = Array.isArray(raw) ? raw.map((source, index) => ({ source, index })) : [];
    operation.invalidates = entries.flatMap(({ source, index }) => (typeof source === 'string' && source ? parseTags(b, source, [...where, index]) : []));
  }
  return operation;
}

/** Parses one tag template; a malformed one is reported and yields none. */
function parseTags(b: Builder, source: string, segments: Segment[]): TagTemplate[] {
  const parsed = parseTagTemplate(source);
  if ('error' in parsed) {
    b.report('valid-tag-template', parsed.error, segments);
    return [];
  }
  return [{ source, parts: parsed.parts, location: b.at(segments) }];
}

/**
 * The operation's cache: its x-cache over the document defaults. Any error in either (a field
 * that fails the schema, an unknown field, a malformed tag template) makes the whole policy the
 * fail-closed one, in the IR itself, so no later step (not even `generate --force`) can emit a
 * default in place of what the author meant.
 */
function buildCache(b: Builder, raw: unknown, base: Segment[], defaults: XCache, secured: boolean): IrCache {
  const where = [...base, 'x-cache'];
  const result = validateXCache(raw);
  b.reportIssues(result.issues, where, 'x-cache');
  const own = result.value;
  const merged = effectivePolicy(defaults, own);
  const explicit = Object.keys(own) as Array<keyof CachePolicy>;
  const fields: IrCache['fields'] = {};
  for (const field of Object.keys(merged) as Array<keyof CachePolicy>) {
    if (field in own) fields[field] = b.at([...where, field]);
    else if (field in defaults) fields[field] = b.at(['x-cache-defaults', field]);
  }
  const tagBase = 'tags' in own ? [...where, 'tags'] : ['x-cache-defaults', 'tags'];
  const tags = merged.tags.flatMap((source, index) => parseTags(b, source, [...tagBase, index]));
  const invalid = result.issues.length > 0 || b.defaultsInvalid || tags.length < merged.tags.length;
  if (invalid) return { policy: failClosedPolicy(secured), tags: [], location: b.at(where), fields, explicit, implicitVary: [], invalid };
  return { policy: merged, tags, location: b.at(where), fields, explicit, implicitVary: [], invalid };
}

function buildParameters(b: Builder, path: string, item: Obj, method: HttpMethod): IrParameter[] {
  const byKey = new Map<string, IrParameter>();
  const collect = (list: unknown, base: Segment[]): void => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, index) => {
      const param = b.deref(raw);
      if (!param || typeof param.name !== 'string') return;
      const location = param.in;
      if (location !== 'path' && location !== 'query' && location !== 'header' && location !== 'cookie') return;
      let schema = isObject(param.schema) ? param.schema : undefined;
      if (!schema && isObject(param.content)) {
        const first = Object.values(param.content)[0];
        if (isObject(first) && isObject(first.schema)) schema = first.schema;
      }
      const name = location === 'header' ? param.name.toLowerCase() : param.name;
      byKey.set(`${location}:${name}`, {
        name,
        in: location,
        required: location === 'path' || param.required === true,
        schema: schema ?? {},
        location: b.at([...base, index]),
      });
    });
  };
  // Operation-level parameters override path-level ones with the same name and location.
  collect(item.parameters, ['paths', path, 'parameters']);
  collect((item[method] as Obj).parameters, ['paths', path, method, 'parameters']);
  return [...byKey.values()];
}

function buildContent(b: Builder, content: unknown): Record<string, { schema?: JsonSchema }> {
  const out: Record<string, { schema?: JsonSchema }> = {};
  if (!isObject(content)) return out;
  for (const [mediaType, raw] of Object.entries(content)) {
    const media = b.deref(raw);
    out[mediaType] = media && isObject(media.schema) ? { schema: media.schema } : {};
  }
  return out;
}

function buildResponses(b: Builder, op: Obj, base: Segment[]): IrResponse[] {
  if (!isObject(op.responses)) return [];
  return Object.entries(op.responses).flatMap(([status, raw]) => {
    const response = b.deref(raw);
    if (!response) return [];
    const result: IrResponse = {
      status,
      content: buildContent(b, response.content),
      headers: isObject(response.headers) ? Object.keys(response.headers).map((h) => h.toLowerCase()) : [],
      location: b.at([...base, 'responses', status]),
    };
    if (typeof response.description === 'string') result.description = response.description;
    return [result];
  });
}

/** The security requirements that apply: the operation's own `security` overrides the root's. */
function effectiveRequirements(b: Builder, op: Obj): unknown[] {
  if (Array.isArray(op.security)) return op.security;
  return Array.isArray(b.spec.bundled.security) ? b.spec.bundled.security : [];
}

function buildSecurity(b: Builder, op: Obj): IrSecurity {
  const own = Array.isArray(op.security);
  const requirements = effectiveRequirements(b, op);
  if (requirements.length === 0) return { required: false, schemes: [], from: own ? 'operation' : 'none' };
  const schemes = new Set<string>();
  let optional = false;
  for (const requirement of requirements) {
    if (!isObject(requirement) || Object.keys(requirement).length === 0) optional = true;
    else for (const scheme of Object.keys(requirement)) schemes.add(scheme);
  }
  return { required: !optional, schemes: [...schemes], from: own ? 'operation' : 'global' };
}

/** Derived ids never collide: a clash gets a numeric suffix; two explicit equal ids are an error. */
function assignUniqueIds(b: Builder, operations: IrOperation[]): void {
  const seen = new Map<string, IrOperation>();
  for (const op of operations.filter((o) => !o.operationIdDerived)) {
    const first = seen.get(op.operationId);
    if (first) {
      const where = `${first.location.file}:${first.location.line}:${first.location.column}`;
      b.diagnostics.push({ rule: 'unique-operation-id', message: `operationId "${op.operationId}" is already used by ${first.method.toUpperCase()} ${first.path} (${where}); operationIds must be unique`, location: b.at(['paths', op.path, op.method, 'operationId']) });
    } else seen.set(op.operationId, op);
  }
  for (const op of operations.filter((o) => o.operationIdDerived)) {
    let candidate = op.operationId;
    for (let n = 2; seen.has(candidate); n++) candidate = `${op.operationId}${n}`;
    op.operationId = candidate;
    seen.set(candidate, op);
  }
}
