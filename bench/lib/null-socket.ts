/**
 * Serves requests through a node:http server's own request handling (its 'request' listener:
 * Fastify's routing, hooks, reply, Node's header writing) with real IncomingMessage and
 * ServerResponse objects over a socket that drops what it is given: the CPU a server spends on
 * a request in JavaScript, without the kernel's share (accept, read, write) or a load
 * generator's, so differences of a fraction of a microsecond show.
 */
import { IncomingMessage, ServerResponse, type Server } from 'node:http';
import { Duplex } from 'node:stream';

class NullSocket extends Duplex {
  remoteAddress = '127.0.0.1';
  encrypted = false;
  override _read(): void {}
  override _write(_chunk: Buffer, _encoding: string, done: () => void): void { done(); }
  override _writev(_chunks: unknown[], done: () => void): void { done(); }
}

/** What a load generator's GET sends (autocannon's headers). */
const HEADERS = { host: '127.0.0.1:3000', 'user-agent': 'bench', accept: '*/*' };
const RAW_HEADERS = Object.entries(HEADERS).flat();

/** Serves one GET of `url`; resolves with the status code once the response finished. */
export function serveOnce(server: Server, url: string): Promise<number> {
  const socket = new NullSocket();
  const request = new IncomingMessage(socket as never);
  request.method = 'GET';
  request.url = url;
  request.httpVersion = '1.1';
  request.httpVersionMajor = 1;
  request.httpVersionMinor = 1;
  request.headers = { ...HEADERS };
  request.rawHeaders = [...RAW_HEADERS];
  request.push(null);
  (request as { complete: boolean }).complete = true;
  const response = new ServerResponse(request);
  response.shouldKeepAlive = true;
  response.assignSocket(socket as never);
  return new Promise((resolve) => {
    response.once('finish', () => { response.detachSocket(socket as never); resolve(response.statusCode); });
    server.emit('request', request, response);
  });
}

/** CPU time (user + system) of this process per request over `count` sequential requests, µs. */
export async function cpuPerRequest(server: Server, url: string, count: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    const status = await serveOnce(server, url);
    if (status !== 200) throw new Error(`${url}: answered ${status}`);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}
