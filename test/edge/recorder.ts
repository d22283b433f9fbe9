/** Helpers of the edge tests: an observer that records purge outcomes, and a local HTTP server that records what it receives. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { noopObserver, type CacheObserver, type EdgePurgeOutcome } from '@cachegen/runtime';

export interface PurgeEvent { adapter: string; outcome: EdgePurgeOutcome; tags: number; seconds?: number }

/** A CacheObserver keeping every edgePurge call; `next(outcome)` resolves on the next one of that kind. */
export function purgeRecorder(): CacheObserver & { events: PurgeEvent[]; next(outcome: EdgePurgeOutcome): Promise<PurgeEvent>; count(outcome: EdgePurgeOutcome): number } {
  const events: PurgeEvent[] = [];
  const waiters: Array<{ outcome: EdgePurgeOutcome; resolve: (e: PurgeEvent) => void }> = [];
  return {
    ...noopObserver,
    events,
    edgePurge(adapter, outcome, tags, seconds) {
      const event = { adapter, outcome, tags, ...(seconds !== undefined ? { seconds } : {}) };
      events.push(event);
      for (const w of waiters.splice(0)) { if (w.outcome === outcome) w.resolve(event); else waiters.push(w); }
    },
    next(outcome) { return new Promise((resolve) => waiters.push({ outcome, resolve })); },
    count(outcome) { return events.filter((e) => e.outcome === outcome).length; },
  };
}

export interface Received { method: string; url: string; headers: IncomingMessage['headers']; body: string }

export interface RecordingServer {
  url: string;
  received: Received[];
  /** What to answer next: status and body (default 200 and `{}`), or 'hang' to hold the request until release(). */
  respond: (request: Received) => { status: number; body?: string } | 'hang';
  /** Answers every held request with 200. */
  release(): void;
  close(): Promise<void>;
}

/** A local HTTP server that records every request (method, URL, headers, body) and answers as told. */
export async function recordingServer(): Promise<RecordingServer> {
  const held: Array<() => void> = [];
  const state: RecordingServer = {
    url: '', received: [],
    respond: () => ({ status: 200, body: '{}' }),
    release() { for (const answer of held.splice(0)) answer(); },
    close: async () => { state.release(); server.closeAllConnections(); await new Promise((r) => server.close(r)); },
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      state.received.push(request);
      const answer = state.respond(request);
      if (answer === 'hang') { held.push(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}')); return; }
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body ?? '{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  state.url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return state;
}
