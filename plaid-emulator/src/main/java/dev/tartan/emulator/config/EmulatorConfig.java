package dev.tartan.emulator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Settings of the Plaid emulator. Every key can be overridden by the matching environment variable
 * (for example {@code TARTAN_EMULATOR_CLIENT_ID}).
 */
@ConfigMapping(prefix = "tartan.emulator")
public interface EmulatorConfig {

    /** The only {@code client_id} the emulator accepts ({@code PLAID-CLIENT-ID} header or body field). */
    @WithDefault("tartan-dev-client")
    String clientId();

    /** The only {@code secret} the emulator accepts ({@code PLAID-SECRET} header or body field). */
    @WithDefault("tartan-dev-secret")
    String secret();

    /** Value of {@code environment} in webhooks and of {@code <env>} in token prefixes ({@code link-sandbox-…}). */
    @WithDefault("sandbox")
    String environment();

    /** Lifetime of a Link token created for a new Item (Plaid: 4 hours). */
    @WithDefault("4h")
    Duration linkTokenTtl();

    /** Lifetime of a Link token created in update mode (Plaid: 30 minutes). */
    @WithDefault("30m")
    Duration updateModeLinkTokenTtl();

    /** Lifetime of a public token before exchange (Plaid: 30 minutes). */
    @WithDefault("30m")
    Duration publicTokenTtl();

    /** Webhook delivery. */
    Webhook webhook();

    interface Webhook {
        /**
         * Where webhooks go when no per-Item or per-Link-token URL exists: Beacon webhooks (Plaid configures those in
         * its Dashboard) and Items created without a {@code webhook}.
         */
        Optional<String> defaultUrl();

        /** First retry delay after a failed delivery; each further retry waits four times longer (Plaid: 30 s). */
        @WithDefault("30s")
        Duration retryBaseInterval();

        /** No retry is scheduled later than this after the first attempt (Plaid: 24 hours). */
        @WithDefault("24h")
        Duration retryWindow();

        /** A receiver must answer 200 within this time, or the attempt counts as failed (Plaid: 10 s). */
        @WithDefault("10s")
        Duration timeout();

        /** Threads that send webhooks, off the HTTP event loop. */
        @WithDefault("4")
        int deliveryThreads();
    }
}
