export { loadSpec, loadSpecSync, type LoadedSpec } from './load-spec.js';
export { SpecLoadError } from './errors.js';
export { SourceSet, parseSource, resolveRefTarget, type SourceFile } from './source.js';
export { toPointer, fromPointer, escapeToken, unescapeToken } from './pointer.js';
