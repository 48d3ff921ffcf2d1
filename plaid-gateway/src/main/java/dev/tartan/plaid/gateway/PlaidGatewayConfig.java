package dev.tartan.plaid.gateway;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything the Plaid gateway reads from configuration. Every key can be overridden by an environment
 * variable in the usual MicroProfile form ({@code tartan.plaid.client-id} → {@code TARTAN_PLAID_CLIENT_ID}).
 * The reference with defaults is {@code docs/plaid-gateway.md}.
 */
@ConfigMapping(prefix = "tartan.plaid")
public interface PlaidGatewayConfig {

    /**
     * Plaid's base URL: {@code https://sandbox.plaid.com/}, {@code https://production.plaid.com/}, or the
     * Tartan emulator's URL. Env {@code TARTAN_PLAID_BASE_URL}. Must agree with {@link #environment()}.
     */
    @WithDefault("https://sandbox.plaid.com/")
    String baseUrl();

    /** Plaid client id (sent as {@code PLAID-CLIENT-ID}). Required; env {@code TARTAN_PLAID_CLIENT_ID}. */
    String clientId();

    /** Plaid secret for the environment (sent as {@code PLAID-SECRET}, never logged). Required; env {@code TARTAN_PLAID_SECRET}. */
    String secret();

    /**
     * Which Plaid this is. Guards against pointing production credentials at the sandbox and the like:
     * production needs an https base URL other than the sandbox and refuses {@code /sandbox/*} endpoints;
     * sandbox must not point at production; emulator must not point at a plaid.com host.
     */
    @WithDefault("sandbox")
    PlaidEnvironment environment();

    /** TCP connect timeout for one request. */
    @WithDefault("10s")
    Duration connectTimeout();

    /** Longest wait for response bytes (Plaid's own client default is 60 s; some product calls are slow). */
    @WithDefault("60s")
    Duration readTimeout();

    /** Longest wait while sending the request body. */
    @WithDefault("30s")
    Duration writeTimeout();

    /**
     * Threads that run plaid-java's blocking calls (never the event loop). Size it to the concurrency
     * you need: calls per second × seconds per call.
     */
    @WithDefault("32")
    int workerThreads();

    /** Retries on 429, 5xx and I/O failures. */
    Retry retry();

    /**
     * Client-side limits per endpoint, keyed by the endpoint's path as in
     * {@code tartan.plaid.rate-limits."/item/remove".per-item-per-minute=30} (the enum name, as
     * {@code item-remove} or {@code ITEM_REMOVE}, is accepted too). Endpoints not listed keep the
     * defaults in {@link PlaidEndpoint} (Plaid's published production figures). An unknown key stops start-up.
     */
    Map<String, EndpointRateLimit> rateLimits();

    /**
     * Longest a call waits for a rate-limit permit before failing with
     * {@link PlaidUnavailableException.Reason#RATE_LIMIT_WAIT}. The wait never blocks a thread.
     */
    @WithDefault("30s")
    Duration rateLimitMaxWait();

    /** The window the per-minute limits count over. Plaid's limits are per minute: change it only in tests. */
    @WithDefault("60s")
    Duration rateLimitWindow();

    /** Access-token encryption keys. A missing or malformed key stops start-up. */
    TokenEncryption tokenEncryption();

    interface Retry {
        /** Attempts per call including the first; 1 disables retries. */
        @WithDefault("4")
        int maxAttempts();

        /** Back-off before the first retry; doubles per retry (with jitter: half fixed, half random). */
        @WithDefault("200ms")
        Duration initialBackoff();

        /** Upper bound of one back-off. */
        @WithDefault("10s")
        Duration maxBackoff();
    }

    interface EndpointRateLimit {
        /** Calls per minute to this endpoint from this process; 0 means no client-side limit. Default: {@link PlaidEndpoint#defaultPerClientPerMinute()}. */
        OptionalInt perClientPerMinute();

        /** Calls per minute to this endpoint for one Item; 0 means no limit. Default: {@link PlaidEndpoint#defaultPerItemPerMinute()}. */
        OptionalInt perItemPerMinute();
    }

    interface TokenEncryption {
        /**
         * Id of the key that seals new tokens. Required (checked at start-up with a message saying
         * what to set); env {@code TARTAN_PLAID_TOKEN_ENCRYPTION_ACTIVE_KEY_ID}.
         */
        Optional<String> activeKeyId();

        /**
         * Keys by id, each base64 of 32 random bytes ({@code openssl rand -base64 32}), for example
         * {@code tartan.plaid.token-encryption.keys.k2026a=...} (env {@code TARTAN_PLAID_TOKEN_ENCRYPTION_KEYS_K2026A};
         * ids given only by env var arrive lower-cased). Keep old keys here until every stored token has
         * been resealed under the active one.
         */
        @WithName("keys")
        Map<String, String> keys();
    }
}
