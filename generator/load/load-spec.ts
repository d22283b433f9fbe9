/**
 * Loads an OpenAPI 3.0/3.1 spec (YAML or JSON, split across files with `$ref`): the source files for
 * locations, and a single-file bundle made by @redocly/openapi-core for schemas and tools.
 */
import { access } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import type { Config } from '@redocly/openapi-core';
import { SpecLoadError } from './errors.js';
import { fromPointer } from './pointer.js';
import { SourceSet } from './source.js';
import { inlineExternalRefs } from './inline.js';

/** A loaded spec: what the IR builder needs and nothing else. */
export interface LoadedSpec {
  /** Absolute path of the root file. */
  file: string;
  /** Every file the spec was read from, root first. */
  files: string[];
  openapiVersion: '3.0' | '3.1';
  /** The root file as parsed (refs not followed). */
  document: Record<string, unknown>;
  /** One self-contained document: every `$ref` is local (`#/components/...`). */
  bundled: Record<string, unknown>;
  /** The parsed source files, for mapping pointers back to file:line:column. */
  sources: SourceSet;
}

let redoclyConfig: Promise<Config> | undefined;

/** Checks the root is an OpenAPI 3.0 or 3.1 document and returns its version. */
function detectVersion(sources: SourceSet, file: string): '3.0' | '3.1' {
  const root = sources.get(file).value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new SpecLoadError('is not an OpenAPI document (expected a mapping at the top level)', file, 1, 1);
  }
  const version = (root as Record<string, unknown>).openapi;
  const match = typeof version === 'string' ? /^3\.(0|1)\.\d+/.exec(version) : null;
  if (!match) {
    const where = sources.locate(file, ['openapi']);
    const swagger = (root as Record<string, unknown>).swagger;
    if (swagger !== undefined && version === undefined) {
      throw new SpecLoadError(`is Swagger ${String(swagger)}; cachegen reads OpenAPI 3.0 and 3.1 (convert it first, e.g. with swagger2openapi)`, file, 1, 1);
    }
    const found = version === undefined ? 'no `openapi` field' : `openapi: ${JSON.stringify(version)}`;
    throw new SpecLoadError(`only OpenAPI 3.0 and 3.1 are supported (found ${found})`, file, where.line, where.column);
  }
  return match[1] === '1' ? '3.1' : '3.0';
}

function forEachRef(value: unknown, visit: (ref: string, path: string[]) => boolean | void, path: string[] = []): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some((item, index) => forEachRef(item, visit, [...path, String(index)]));
  const ref = (value as { $ref?: unknown }).$ref;
  if (typeof ref === 'string' && visit(ref, path) === true) return true;
  return Object.entries(value).some(([key, child]) => key !== '$ref' && forEachRef(child, visit, [...path, key]));
}

/** True when any `$ref` points outside the document (another file or a URL). */
function hasExternalRefs(root: unknown): boolean {
  return forEachRef(root, (ref) => !ref.startsWith('#'));
}

/** Every local `$ref` must name something; the error points at the `$ref`. */
function checkLocalRefs(sources: SourceSet, file: string, root: unknown): void {
  forEachRef(root, (ref, path) => {
    let node: unknown = root;
    for (const segment of fromPointer(ref)) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[segment] : undefined;
    if (node === undefined) {
      const where = sources.position(file, [...path, '$ref']);
      throw new SpecLoadError(`Can't resolve $ref: ${ref} names nothing in this file`, file, where.line, where.column);
    }
  });
}

/** Loads and bundles a spec; errors name file:line:column, a missing file names the path tried. */
export async function loadSpec(file: string): Promise<LoadedSpec> {
  const absolute = resolvePath(file);
  try {
    await access(absolute);
  } catch {
    throw new SpecLoadError('file not found', absolute);
  }
  const sources = new SourceSet();
  const openapiVersion = detectVersion(sources, absolute);
  const root = sources.get(absolute).value as Record<string, unknown>;
  if (!hasExternalRefs(root)) {
    // A single self-contained file is its own bundle; only its local refs need checking.
    checkLocalRefs(sources, absolute, root);
    return { file: absolute, files: [absolute], openapiVersion, document: root, bundled: root, sources };
  }
  // Loaded only for specs split across files: the package takes a while to import.
  const { bundle, createConfig } = await import('@redocly/openapi-core');
  redoclyConfig ??= createConfig({});
  const result = await bundle({ ref: absolute, config: await redoclyConfig, dereference: false, removeUnusedComponents: false });
  for (const problem of result.problems) {
    if (problem.severity !== 'error') continue;
    const where = problem.location[0];
    const problemFile = where?.source.absoluteRef ?? absolute;
    // Files that do not parse surface here as well; re-reading them gives the precise position.
    if (problemFile !== absolute) sources.get(problemFile);
    // Point at the `$ref` itself when the problem is about one.
    const segments = [...fromPointer(where?.pointer ?? '#'), ...(/\$ref/.test(problem.message) ? ['$ref'] : [])];
    const position = where ? sources.position(problemFile, segments) : undefined;
    throw new SpecLoadError(problem.message, problemFile, position?.line, position?.column);
  }
  const files = [absolute, ...[...result.fileDependencies].map((f) => resolvePath(f)).filter((f) => f !== absolute)];
  for (const dependency of files) sources.get(dependency);
  return {
    file: absolute,
    files,
    openapiVersion,
    document: sources.get(absolute).value as Record<string, unknown>,
    bundled: result.bundle.parsed as Record<string, unknown>,
    sources,
  };
}

/**
 * Loads a spec synchronously (for Redocly plugin rules, which cannot await): external `$ref`s are
 * inlined instead of being turned into components, which is all lint needs.
 */
export function loadSpecSync(file: string, read?: (file: string) => string): LoadedSpec {
  const absolute = resolvePath(file);
  const sources = new SourceSet(read);
  const openapiVersion = detectVersion(sources, absolute);
  const document = sources.get(absolute).value as Record<string, unknown>;
  const bundled = inlineExternalRefs(sources, absolute) as Record<string, unknown>;
  return { file: absolute, files: sources.list(), openapiVersion, document, bundled, sources };
}
