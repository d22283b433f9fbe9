/** Runs the real promtool (Debian package `prometheus`) on files in a scratch folder. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The promtool binary; throws naming the package to install when it is missing. */
export function promtoolPath(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/bin', '/usr/local/bin']) {
    const candidate = join(dir, 'promtool');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('promtool is not installed, and these tests need the real one: apt-get install prometheus (the Debian package that ships promtool)');
}

/** Writes `files` into a fresh folder, runs `promtool <args>` there, removes the folder; returns exit status and output. */
export function runPromtool(args: string[], files: Record<string, string>): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cachegen-promtool-'));
  try {
    for (const [name, contents] of Object.entries(files)) writeFileSync(join(dir, name), contents);
    const result = spawnSync(promtoolPath(), args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, output: `${result.stdout}${result.stderr}${result.error ? String(result.error) : ''}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
