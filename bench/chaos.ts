/**
 * The chaos run: two cache instances on one private Redis, concurrent reads (public and
 * private entries), writes that invalidate and writes seen through PostgreSQL CDC, while Redis
 * is killed, restarted (with its data, and empty), paused, and its connections cut. The oracle
 * and the bound it checks are described in test/support/chaos.ts and docs/security.md.
 *
 *   npm run chaos                       (DURATION_S=180 by default)
 * Uses DATABASE_URL when set, else starts a private PostgreSQL; Redis is always private.
 */
import { machine, markdownTable, writeReport } from './lib/report.js';
import { runChaos, type ChaosFigures } from '../test/support/chaos.js';
import { startPostgres, type RunningService } from '../test/support/services.js';

const DURATION_S = Number(process.env.DURATION_S ?? 180);

async function main(): Promise<void> {
  let postgres: RunningService | undefined;
  const databaseUrl = process.env.DATABASE_URL ?? (postgres = await startPostgres()).url;
  let figures: ChaosFigures;
  try {
    figures = await runChaos({ databaseUrl, durationMs: DURATION_S * 1000, log: (line) => console.log(line) });
  } finally {
    await postgres?.stop();
  }
  const { examples, actions, boundMs, ...counts } = figures;
  console.log(JSON.stringify({ ...counts, actions }, null, 2));
  if (examples.length) console.log(`stale beyond the bound, first cases:\n  ${examples.join('\n  ')}`);
  const target = figures.failed === 0 && figures.staleBeyondBound === 0 && figures.crossIdentity === 0
    && figures.privateEntriesInRedis === 0 && figures.lostInvalidations === 0 && figures.staleAtEnd === 0;
  const env = machine();
  const rows: Array<[string, string | number]> = [
    ['requests (reads + writes)', `${figures.requests} (${figures.reads} + ${figures.writes}, ${figures.cdcWrites} of the writes seen only through CDC)`],
    ['failed requests', figures.failed],
    ['stale reads beyond the bound', figures.staleBeyondBound],
    ['cross-identity answers', figures.crossIdentity],
    ['private entries found in Redis', figures.privateEntriesInRedis],
    ['writes whose invalidation was never confirmed (lost)', figures.lostInvalidations],
    ['items still answering an old version at the end, Redis healthy', figures.staleAtEnd],
    ['stale reads within the bound (informational)', figures.staleWithinBound],
    ['invalidations confirmed', figures.confirmedInvalidations],
    ['invalidateTags calls Redis did not confirm at once (retried)', figures.unconfirmedCalls],
    ...Object.entries(actions).map(([name, n]): [string, number] => [`chaos: ${name}`, n]),
  ];
  const markdown = [
    '# Chaos: invalidation and isolation under Redis failures',
    '',
    `Command: \`DURATION_S=${DURATION_S} npm run chaos\` (${env.date.slice(0, 16)}Z, Node ${env.node}, ${env.cpus} cores shared with other work).`,
    '',
    `Target 0 failed / 0 stale beyond the bound / 0 cross-identity: **${target ? 'met' : 'missed'}**.`,
    '',
    markdownTable(['figure', 'value'], rows),
    '',
    'Two cache instances (L1 + one private Redis, bus on) serve 12 concurrent readers over 40 items (ttl 20 s, swr 5 s), 30 % of',
    'the reads for one of 8 identities (private entries, L1 only, keyed by the identity digest of',
    '`runtime/keys`); two writers update PostgreSQL and call `invalidateTags` on a random instance, a third',
    'writes PostgreSQL only (the LISTEN/NOTIFY listener on instance A invalidates). Every 0.7–1.3 s one',
    'chaos action runs, in turn: `CLIENT KILL TYPE pubsub` (the bus), `CLIENT KILL TYPE normal`, `SIGSTOP`',
    'for 1.5 s, `SIGKILL` and a restart 1 s later with the data (append-only file), `SIGKILL` and a restart',
    'empty.',
    '',
    `The oracle knows every committed version; an invalidation counts once \`onInvalidated\` reports it`,
    `confirmed, covering the versions committed before it started. A read that began after that and`,
    `answered an older version is stale; it is within the bound (docs/security.md, guarantee 2) only from`,
    `another instance's L1, while the bus message may still be on its way (${boundMs.busDelivery} ms allowed on this`,
    `loaded machine) or while that instance's bus connection was down and the copy was within its lifetime`,
    `(ttl + swr = ${boundMs.copyLifetime} ms). Anything else is beyond the bound. Half the items are invalidated`,
    'only by `invalidateTags` (a table without triggers), half only by CDC, so neither path hides the other\'s',
    'losses; at the end, Redis healthy again for a few seconds, every write must be covered by a confirmed',
    'invalidation and every item must read its latest version on both instances.',
  ].join('\n');
  const written = writeReport('chaos', { ...figures, target, machine: env }, markdown);
  console.log(`wrote ${written.json} and ${written.markdown}`);
  if (!target) process.exitCode = 1;
}

await main();
