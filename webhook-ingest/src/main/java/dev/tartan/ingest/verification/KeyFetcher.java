package dev.tartan.ingest.verification;

import java.util.concurrent.CompletionStage;

/**
 * Where verification keys come from: Plaid's {@code /webhook_verification_key/get} through the gateway in
 * production, a static JWKS file for the benchmark. Completes with {@link Result#unknown()} when the source says the
 * kid does not exist; completes exceptionally for anything transient (429, 5xx, timeout), which is never cached.
 */
public interface KeyFetcher {

    CompletionStage<Result> fetch(String kid);

    /** {@code key == null} means the source does not know the kid. */
    record Result(VerificationKey key) {
        public static Result unknown() {
            return new Result(null);
        }

        public static Result found(VerificationKey key) {
            return new Result(key);
        }
    }
}
