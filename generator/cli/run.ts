/** Runs the CLI from source (`npx tsx generator/cli/run.ts <args>`), as bin/cachegen.mjs runs dist/. */
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
