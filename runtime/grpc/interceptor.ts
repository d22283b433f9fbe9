/**
 * A @grpc/grpc-js client interceptor that caches unary calls per method policy on the
 * cachegen runtime. The call to the server starts only on a miss: on a hit the response is
 * delivered from the cache and no stream is opened. Concurrent identical calls share one
 * server call (the runtime's single flight). Only OK responses are stored.
 */
import type { Interceptor, InterceptingListener, Metadata as GrpcMetadata, StatusObject } from '@grpc/grpc-js';
import { requirePeer } from '../peer.js';
import type { Cache, Codec } from '../cache/index.js';
import { cacheStatus } from '../http/cache-status.js';
import { identityPart } from '../keys/identity.js';
import { grpcKey, sortMessageKeys } from './key.js';
import { messageCodec } from './codec.js';

const { InterceptingCall, Metadata, status: GrpcStatus } = requirePeer<typeof import('@grpc/grpc-js')>('@grpc/grpc-js');

export interface GrpcMethodPolicy {
  /** Seconds fresh. */
  ttl: number;
  swr?: number;
  staleIfError?: number;
  /** public (default): one entry for everyone; private: one per identity, never in Redis. */
  scope?: 'public' | 'private';
  /** Tags of a call, from its request message. */
  tags?: (request: any) => string[];
  /** How responses become bytes for Redis; default JSON with bytes fields kept (use proto-loader `longs: String` for int64). */
  codec?: Codec<unknown>;
}

export interface GrpcCacheOptions {
  cache: Cache;
  /** Policies by full method path, e.g. `/catalog.v1.Catalog/GetProduct`. Methods not listed are never cached. */
  methods: Record<string, GrpcMethodPolicy>;
  /** The caller's identity for private methods, from the call metadata; undefined: the call is not cached. */
  identify?: (metadata: GrpcMetadata) => string | undefined;
  /** Name in the `cache-status` response metadata; default `cachegen`. */
  name?: string;
}

/** A server error, carried through the cache's loader so the caller receives the original status. */
class CallFailed extends Error {
  constructor(readonly status: StatusObject) {
    super(status.details);
  }
}

/** The interceptor; pass it as `interceptors: [grpcCacheInterceptor(options)]` when making a client. */
export function grpcCacheInterceptor(options: GrpcCacheOptions): Interceptor {
  const name = options.name ?? 'cachegen';
  return (callOptions, nextCall) => {
    const method = callOptions.method_definition;
    const policy = options.methods[method.path];
    if (!policy || method.requestStream || method.responseStream) return new InterceptingCall(nextCall(callOptions));

    let metadata: GrpcMetadata;
    let listener: InterceptingListener;
    let message: unknown;
    let startNext: (metadata: GrpcMetadata, listener: Partial<InterceptingListener>) => void;
    let sendNext: (message: unknown) => void;

    /** Sends the call to the server as it came, answering the caller directly. */
    const passThrough = (done: () => void) => {
      startNext(metadata, listener);
      sendNext(message);
      done();
    };

    return new InterceptingCall(nextCall(callOptions), {
      // Hold the call until the whole request is known: the key needs the message.
      start(md, l, next) { metadata = md; listener = l; startNext = next; },
      sendMessage(msg, next) { message = msg; sendNext = next; },
      halfClose(halfCloseNext) {
        let identity: string | undefined;
        if (policy.scope === 'private') {
          // identify is synchronous here: a Promise, an object or a throw is no identity (uncached), never a shared one.
          try {
            identity = identityPart(options.identify?.(metadata));
          } catch {
            identity = undefined;
          }
          if (identity === undefined) return passThrough(halfCloseNext);
        }
        let key: string;
        try {
          key = grpcKey(method.path, method.requestSerialize(sortMessageKeys(message)));
        } catch {
          return passThrough(halfCloseNext);
        }
        if (identity !== undefined) key += '|u:' + identity;

        const loader = () => new Promise<unknown>((resolve, reject) => {
          let response: unknown;
          startNext(metadata, {
            onReceiveMetadata() {},
            onReceiveMessage(m: unknown) { response = m; },
            onReceiveStatus(s: StatusObject) { if (s.code === GrpcStatus.OK) resolve(response); else reject(new CallFailed(s)); },
          });
          sendNext(message);
          halfCloseNext();
        });

        options.cache.fetch(key, loader, {
          ttl: policy.ttl,
          swr: policy.swr ?? 0,
          staleIfError: policy.staleIfError ?? 0,
          tags: policy.tags ? policy.tags(message) : [],
          endpoint: method.path,
          codec: policy.codec ?? messageCodec,
          shared: policy.scope !== 'private',
        }).then((result) => {
          const responseMetadata = new Metadata();
          responseMetadata.set('cache-status', cacheStatus({ status: result.status, ttl: result.ttl, stored: result.status === 'miss' }, name));
          listener.onReceiveMetadata(responseMetadata);
          listener.onReceiveMessage(result.value);
          listener.onReceiveStatus({ code: GrpcStatus.OK, details: 'OK', metadata: new Metadata() });
        }, (error: unknown) => {
          const status: StatusObject = error instanceof CallFailed
            ? error.status
            : { code: GrpcStatus.UNAVAILABLE, details: error instanceof Error ? error.message : String(error), metadata: new Metadata() };
          listener.onReceiveMetadata(new Metadata());
          listener.onReceiveStatus(status);
        });
      },
    });
  };
}
