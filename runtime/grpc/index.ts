/** gRPC caching: keys from method + request bytes, and a grpc-js client interceptor (`cachegen/runtime/grpc`). */
export { grpcKey, sortMessageKeys } from './key.js';
export { messageCodec } from './codec.js';
export { grpcCacheInterceptor, type GrpcCacheOptions, type GrpcMethodPolicy } from './interceptor.js';
