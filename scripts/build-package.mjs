#!/usr/bin/env node
// Builds the workspace package in the current folder (`npm run build` in generator/ or runtime/):
// 1. removes dist/, so a source file that was deleted or moved is never published from an old build;
// 2. compiles with tsc (tsconfig.json: .js and .d.ts, no source maps);
// 3. marks every import of an optional peer dependency in the .d.ts files with `// @ts-ignore`.
//    An app that has not installed that peer (an L1-only app has no ioredis) then type-checks
//    with `skipLibCheck: false`: the peer's types read as `any` there, and an app that installs
//    the peer gets its real types. tsc drops such comments from declarations, hence this step.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const folder = process.cwd();
const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));

rmSync(join(folder, 'dist'), { recursive: true, force: true });
const tsc = createRequire(join(folder, 'package.json')).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: folder, stdio: 'inherit' });

const optionalPeers = Object.entries(manifest.peerDependenciesMeta ?? {})
  .filter(([, meta]) => meta.optional === true)
  .map(([name]) => name);

/** The optional peer a line of a .d.ts imports from (`from 'x'`, `from 'x/sub'`, `import('x')`), if any. */
function peerImportedBy(line) {
  for (const match of line.matchAll(/(?:from\s+|import\()\s*['"]([^'"]+)['"]/g)) {
    const specifier = match[1];
    const peer = optionalPeers.find((name) => specifier === name || specifier.startsWith(`${name}/`));
    if (peer) return peer;
  }
  return undefined;
}

/** Every .d.ts file under `dir`. */
function declarationFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return declarationFiles(path);
    return entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

let marked = 0;
for (const file of optionalPeers.length ? declarationFiles(join(folder, 'dist')) : []) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out = [];
  for (const line of lines) {
    const peer = peerImportedBy(line);
    if (peer) {
      const indent = line.match(/^\s*/)[0];
      out.push(`${indent}// @ts-ignore optional peer dependency "${peer}": without it installed, these types are any`);
      marked++;
    }
    out.push(line);
  }
  if (out.length !== lines.length) writeFileSync(file, out.join('\n'));
}
console.log(`${manifest.name}: built dist/${marked ? `, ${marked} optional-peer type imports marked` : ''}`);
