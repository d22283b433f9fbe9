/** Writes generator/schema/x-cache.schema.json from the zod schema: `npx tsx --conditions=@cachegen/source generator/schema/publish.ts` (from the repository root). */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { xCacheJsonSchema } from './x-cache.js';

/** The published file's exact text (the test compares the committed file to it). */
export function jsonSchemaText(): string {
  return JSON.stringify(xCacheJsonSchema(), null, 2) + '\n';
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const target = fileURLToPath(new URL('./x-cache.schema.json', import.meta.url));
  writeFileSync(target, jsonSchemaText());
  console.log(`wrote ${target}`);
}
