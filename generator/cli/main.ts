/**
 * The cachegen command line. Each command lives in its own module under ./commands and is
 * loaded only when used, so `cachegen lint` never loads the emitters and `cachegen top` no spec tools.
 */
import type { Command, CommandIO } from './command.js';

export type { Command, CommandIO } from './command.js';

const commands: Record<string, () => Promise<{ command: Command }>> = {
  generate: () => import('./commands/generate.js'),
  lint: () => import('./commands/lint.js'),
  check: () => import('./commands/check.js'),
  explain: () => import('./commands/explain.js'),
  init: () => import('./commands/init.js'),
  watch: () => import('./commands/watch.js'),
  cdc: () => import('./commands/cdc.js'),
  dashboard: () => import('./commands/dashboard.js'),
  top: () => import('./commands/top.js'),
  edge: () => import('./commands/edge.js'),
  advise: () => import('./commands/advise.js'),
};

/** Runs `cachegen <args>`; resolves to the exit code (0 ok, 1 problems found, 2 usage or input error). */
export async function main(argv: string[], io: CommandIO = { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    const lines = ['Usage: cachegen <command> [options]', '', 'Commands:'];
    for (const [cmd, load] of Object.entries(commands)) {
      // One command failing to load must not take the whole help screen down.
      const summary = await load().then((m) => m.command.summary, () => '(unavailable in this build)');
      lines.push(`  ${cmd.padEnd(10)} ${summary}`);
    }
    lines.push('', 'Run `cachegen <command> --help` for a command\'s options.');
    io.stdout.write(lines.join('\n') + '\n');
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') {
    const { cachegenVersion } = await import('./version.js');
    io.stdout.write(cachegenVersion() + '\n');
    return 0;
  }
  const load = commands[name];
  if (!load) {
    io.stderr.write(`cachegen: unknown command "${name}". Commands: ${Object.keys(commands).join(', ')}.\n`);
    return 2;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.help.trimEnd() + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    io.stderr.write(`cachegen ${name}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
}
