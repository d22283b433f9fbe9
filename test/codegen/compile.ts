/** Type-checks generated files with the TypeScript compiler under the project's strict settings. */
import ts from 'typescript';

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  noUncheckedIndexedAccess: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
  lib: ['lib.es2023.d.ts'],
  // @cachegen/runtime resolves to its sources, as in the repository's own type check.
  customConditions: ['@cachegen/source'],
};

/**
 * A compiler host that parses each file outside the generated folders once per test file: the
 * runtime's sources, lib and node types do not change between the projects a test compiles.
 */
const host = ts.createCompilerHost(OPTIONS);
const parsed = new Map<string, ts.SourceFile | undefined>();
const readSource = host.getSourceFile.bind(host);
host.getSourceFile = (fileName, language, onError, fresh) => {
  if (fileName.includes('/.tmp/')) return readSource(fileName, language, onError, fresh);
  if (!parsed.has(fileName)) parsed.set(fileName, readSource(fileName, language, onError, fresh));
  return parsed.get(fileName);
};

/** The diagnostics of `files` (as `file:line:col message` lines); empty when they compile. */
export function compileErrors(files: string[]): string[] {
  const program = ts.createProgram(files, OPTIONS, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    return `${d.file?.fileName ?? '?'}:${where ? `${where.line + 1}:${where.character + 1}` : ''} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
