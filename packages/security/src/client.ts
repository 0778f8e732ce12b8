// The client side: every call carries `authorization: Bearer <token>`, read when the call is made.
import { Metadata, type ClientMiddleware } from 'nice-grpc';

/** Where a client's token comes from: a TokenFile's `read`, or a fixed value in tests. */
export type TokenSource = () => string;

/** `createClientFactory().use(bearer(source))`: adds the token to each call's metadata. */
export function bearer(source: TokenSource): ClientMiddleware {
  return async function* withBearer(call, options) {
    const metadata = Metadata(options.metadata);
    metadata.set('authorization', `Bearer ${source()}`);
    return yield* call.next(call.request, { ...options, metadata });
  };
}
