/** Paths of the spec fixtures shared by the generator tests. */
import { fileURLToPath } from 'node:url';

export const specsDir = fileURLToPath(new URL('../fixtures/specs/', import.meta.url));

/** Absolute path of a fixture under test/fixtures/specs. */
export function fixture(name: string): string {
  return specsDir + name;
}
