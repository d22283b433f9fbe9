/** The cache.config.ts that `cachegen init` writes. */

/** The paths a new config names, relative to the config file. */
export interface ConfigPaths {
  spec: string;
  output: string;
  handlers: string;
}

/** The defaults init writes when no option overrides them. */
export const DEFAULT_PATHS = { output: './src/generated', handlers: './src/handlers' } as const;

/** A path as a string literal: single-quoted when it holds only plain path characters, else JSON-quoted. */
function pathLiteral(path: string): string {
  return /^[\w./@ -]*$/.test(path) ? `'${path}'` : JSON.stringify(path);
}

/**
 * The whole file: spec, output and handlers, so the first `cachegen generate` writes the
 * generated files and the handler stubs at once; lint rules left at their defaults.
 */
export function configFileText(paths: ConfigPaths): string {
  return `import { defineConfig } from 'cachegen/config';

export default defineConfig({
  spec: ${pathLiteral(paths.spec)},
  // Rewritten by every \`cachegen generate\`: do not edit.
  output: ${pathLiteral(paths.output)},
  // One stub per operation, written once when absent: yours from then on.
  handlers: ${pathLiteral(paths.handlers)},
  lint: {
    rules: {
      // Like ESLint: 'off' | 'warn' | 'error', or [level, options]; see docs/lint-rules.md.
      // 'ttl-exceeds-max': ['warn', { max: '1d' }],
    },
  },
});
`;
}
