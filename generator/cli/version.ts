/** The version of the installed cachegen package. */
import { createRequire } from 'node:module';

/** Read by the package's own name, so it is the same from the sources and from dist/, in this repository and installed. */
export function cachegenVersion(): string {
  return (createRequire(import.meta.url)('cachegen/package.json') as { version: string }).version;
}
