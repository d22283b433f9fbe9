/**
 * A scripted HTTP origin on a real loopback socket, for tests and the conformance run: each
 * route (a path prefix) answers from a function of the request, records every request it saw,
 * and can hold a reply until the test releases it or close the connection instead of replying.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the origin answers. Header values given as an array are sent as separate field lines. */
export interface OriginReply {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: string;
  /** Close the connection instead of answering (the origin went away). */
  close?: boolean;
  /** No Date header (by default the origin sends one from its clock). */
  noDate?: boolean;
  /** Answer only when this settles (a slow origin the test controls). */
  hold?: Promise<unknown>;
}

/** One request as the origin saw it. */
export interface OriginRequest {
  method: string;
  /** The path after the route's prefix, with the query. */
  path: string;
  headers: IncomingHttpHeaders;
}

export type OriginScript = (request: OriginRequest, n: number) => OriginReply;

export interface OriginRoute {
  /** Absolute URL of the route's prefix (append a path). */
  url: string;
  /** Every request this route received, in order. */
  calls: OriginRequest[];
  /** Stops answering under this prefix. */
  remove(): void;
}

export interface Origin {
  /** `http://127.0.0.1:<port>` */
  base: string;
  /** Answers requests under `/<prefix>` with `script` (n counts this route's requests from 1). */
  route(prefix: string, script: OriginScript): OriginRoute;
  close(): Promise<void>;
}

/** Starts an origin on 127.0.0.1; `clock` (ms) gives the Date header. */
export async function startOrigin(clock: () => number = Date.now): Promise<Origin> {
  const routes = new Map<string, { script: OriginScript; calls: OriginRequest[] }>();
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    const prefix = url.split(/[/?]/)[1] ?? '';
    const route = routes.get(prefix);
    if (!route) {
      res.statusCode = 404;
      res.end();
      return;
    }
    const seen: OriginRequest = { method: req.method ?? 'GET', path: url.slice(prefix.length + 1), headers: req.headers };
    route.calls.push(seen);
    const reply = route.script(seen, route.calls.length);
    const send = () => {
      if (reply.close) {
        req.socket.destroy();
        return;
      }
      res.sendDate = false;
      res.statusCode = reply.status ?? 200;
      if (!reply.noDate) res.setHeader('date', new Date(clock()).toUTCString());
      for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
      const body = reply.body ?? `body ${route.calls.length}`;
      // A HEAD is answered like the GET would be, without the content (RFC 9110 §9.3.2).
      if (req.method === 'HEAD' && !res.hasHeader('content-length')) res.setHeader('content-length', Buffer.byteLength(body));
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (reply.hold) void reply.hold.then(send, send);
    else send();
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    route(prefix, script) {
      const calls: OriginRequest[] = [];
      routes.set(prefix, { script, calls });
      return { url: `${base}/${prefix}`, calls, remove: () => routes.delete(prefix) };
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
