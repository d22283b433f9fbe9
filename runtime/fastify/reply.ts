/**
 * What a handler may return besides a plain body: a reply with its own status and headers,
 * e.g. `return reply(404, { message: 'no such product' })`.
 */

/** A handler result that sets the status (and optionally headers) itself. */
export class HandlerReply<Body = unknown> {
  constructor(
    readonly status: number,
    readonly body: Body,
    readonly headers: Record<string, string | string[]> = {},
  ) {}
}

/** Builds a reply with an explicit status code and headers. */
export function reply<Body>(status: number, body: Body, headers?: Record<string, string | string[]>): HandlerReply<Body> {
  return new HandlerReply(status, body, headers);
}
