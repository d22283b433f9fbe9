/**
 * A hung LISTEN backend (SIGSTOP on the server process serving the listener: the socket stays
 * open, nothing is answered), on a private PostgreSQL: the listener's liveness probe drops the
 * connection, reconnects, and flushes the mapped tables.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresCdcListener } from '@cachegen/runtime/cdc';
import { startPostgres, type RunningService } from '../support/services.js';
import { nextEvent, RecordingInvalidator } from './support.js';

let server: RunningService;
let listener: PostgresCdcListener | undefined;
let stoppedBackend: number | undefined;

const resumeBackend = () => {
  if (stoppedBackend !== undefined) process.kill(stoppedBackend, 'SIGCONT');
  stoppedBackend = undefined;
};

beforeAll(async () => { server = await startPostgres(); });
afterAll(async () => {
  resumeBackend();
  await listener?.close();
  await server?.stop();
});

it('drops a connection whose probe goes unanswered, and flushes after reconnecting', async () => {
  const invalidator = new RecordingInvalidator();
  listener = new PostgresCdcListener({
    url: server.url, channel: 'hung_test', tables: { products: { tags: ['product:{id}'] } }, invalidator,
    healthCheckInterval: 0.2, log: () => undefined,
    // Let the hung backend go (it sees its client gone and exits) before reconnecting.
    waitBeforeReconnect: async () => resumeBackend(),
  });
  await listener.start();
  expect(invalidator.calls).toEqual([['table:products']]);
  const pid = listener.backendPid!;

  const disconnected = nextEvent<[Error | undefined]>(listener, 'disconnected');
  const connected = nextEvent<[string[]]>(listener, 'connected');
  stoppedBackend = pid;
  process.kill(pid, 'SIGSTOP');
  expect((await disconnected)[0]?.message).toMatch(/liveness probe not answered/);
  expect((await connected)[0]).toEqual(['table:products']);
  expect(listener.backendPid).not.toBe(pid);
  expect(invalidator.calls).toEqual([['table:products'], ['table:products']]);
});
