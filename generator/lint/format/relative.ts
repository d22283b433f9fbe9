import { relative, sep } from 'node:path';

/** A path relative to `cwd` with forward slashes (as editors, CI and SARIF want); absolute when outside. */
export function displayPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  if (!rel || rel.startsWith('..')) return file.split(sep).join('/');
  return rel.split(sep).join('/');
}
