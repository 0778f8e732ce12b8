// The client side: every call carries `authorization: Bearer <token>`, read when the call is made.
import { ClientError, Metadata, Status, type ClientMiddleware } from 'nice-grpc';

import { badTokenCharacter } from './token-file.js';

/** Where a client's token comes from: a TokenFile's `read`, or a fixed value in tests. */
export type TokenSource = () => string;

/** `createClientFactory().use(bearer(source))`: adds the token to each call's metadata. */
export function bearer(source: TokenSource): ClientMiddleware {
  return async function* withBearer(call, options) {
    const token = source();
    // Checked here as well as in TokenFile: grpc-js would refuse the header quoting it whole.
    const bad = badTokenCharacter(token);
    if (bad) throw new ClientError(call.method.path, Status.UNAUTHENTICATED, `bad token: ${bad}`);
    const metadata = Metadata(options.metadata);
    metadata.set('authorization', `Bearer ${token}`);
    return yield* call.next(call.request, { ...options, metadata });
  };
}
