/**
 * The whole `generate` step for a loaded project: emit the files, write the ones that changed,
 * write handler stubs only where none exist; and `check`: which generated files are stale.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import type { IrDocument } from '../ir/types.js';
import { emitHandlerStubs } from './handler-stubs.js';
import { emit } from './index.js';
import type { GeneratedFile } from './types.js';

export interface GenerateTarget {
  ir: IrDocument;
  /** Absolute output folder. */
  output: string;
  /** Absolute folder for the user's handlers; no stubs when undefined. */
  handlers?: string;
  runtimeImport?: string;
}

export interface GenerateResult {
  /** Absolute paths written because their content changed (or they were absent). */
  written: string[];
  /** Absolute paths already up to date. */
  unchanged: string[];
  /** Handler stub files created (absent before). Existing ones are never touched. */
  stubs: string[];
}

/** The name of the handler stub file inside the handlers folder. */
export const HANDLERS_FILE = 'index.ts';

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every file the output folder should hold, with its bytes. */
export async function expectedFiles(target: GenerateTarget): Promise<GeneratedFile[]> {
  return emit(target.ir, target.runtimeImport ? { runtimeImport: target.runtimeImport } : {});
}

function importPath(fromFolder: string, toFile: string): string {
  const rel = relative(fromFolder, toFile).split('\\').join('/').replace(/\.ts$/, '.js');
  return rel.startsWith('.') ? rel : './' + rel;
}

/** Writes the generated files (only those whose bytes differ) and absent handler stubs. */
export async function generate(target: GenerateTarget): Promise<GenerateResult> {
  const result: GenerateResult = { written: [], unchanged: [], stubs: [] };
  const output = resolve(target.output);
  await mkdir(output, { recursive: true });
  for (const file of await expectedFiles(target)) {
    const path = join(output, file.path);
    if ((await readIfExists(path)) === file.contents) {
      result.unchanged.push(path);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.contents);
    result.written.push(path);
  }
  if (target.handlers) {
    const folder = resolve(target.handlers);
    const stub = join(folder, HANDLERS_FILE);
    if (!existsSync(stub)) {
      await mkdir(folder, { recursive: true });
      await writeFile(stub, emitHandlerStubs(target.ir, importPath(folder, join(output, 'server.ts'))));
      result.stubs.push(stub);
    }
  }
  return result;
}

export interface StaleFile {
  path: string;
  reason: 'missing' | 'changed';
}

/** The generated files that are missing or differ from what `generate` would write now. */
export async function staleFiles(target: GenerateTarget): Promise<StaleFile[]> {
  const stale: StaleFile[] = [];
  for (const file of await expectedFiles(target)) {
    const path = join(resolve(target.output), file.path);
    const current = await readIfExists(path);
    if (current === undefined) stale.push({ path, reason: 'missing' });
    else if (current !== file.contents) stale.push({ path, reason: 'changed' });
  }
  return stale;
}
