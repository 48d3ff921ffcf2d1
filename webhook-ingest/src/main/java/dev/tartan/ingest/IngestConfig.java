package dev.tartan.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting of webhook-ingest (prefix {@code tartan.ingest}). docs/services/webhook-ingest.md lists them. */
@ConfigMapping(prefix = "tartan.ingest")
public interface IngestConfig {

    /**
     * Stable name of this ingest instance. It owns its spool rows and its Kafka {@code transactional.id}, so it must
     * survive a restart (a StatefulSet ordinal, say) and differ between replicas sharing one database.
     */
    @WithDefault("webhook-ingest-0")
    String instanceId();

    /** Largest webhook body accepted; larger ones are answered 413 and counted. */
    @WithDefault("262144")
    int maxBodyBytes();

    /** How long rejections are kept in the {@code webhook_rejection} audit table (pruned hourly). */
    @WithDefault("7d")
    Duration rejectionRetention();

    /** Verification of the {@code Plaid-Verification} JWT. */
    Verification verification();

    /** Key cache for {@code /webhook_verification_key/get}. */
    Keys keys();

    /** Optional allow-list of source addresses. */
    Sources sources();

    /** Spool (PostgreSQL) and the publisher (Kafka). */
    Publish publish();

    interface Verification {
        /** Oldest accepted JWT: Plaid says reject tokens issued more than 5 minutes ago. */
        @WithDefault("5m")
        Duration maxAge();

        /** How far in the future {@code iat} may be (clock skew between Plaid and us). */
        @WithDefault("30s")
        Duration maxFutureSkew();

        /**
         * Signature provider: {@code auto} (Amazon Corretto Crypto Provider, then Conscrypt, then the JDK's),
         * {@code accp}, {@code conscrypt} or {@code jdk}. The active one is logged at start-up.
         */
        @WithDefault("auto")
        String provider();

        /**
         * A JWKS file (JSON {@code {"keys":[...]}}) used <em>instead of</em> Plaid's key endpoint. Off by default;
         * for the benchmark and offline tests only, never in production.
         */
        Optional<String> staticKeysFile();
    }

    interface Keys {
        /** A cached, unexpired key is re-fetched after this long (to learn its {@code expired_at}). */
        @WithDefault("1h")
        Duration refreshAfter();

        /** An unknown {@code kid} (Plaid said it does not exist) is refused without asking again for this long. */
        @WithDefault("5m")
        Duration negativeTtl();

        /** Most {@code kid}s being fetched at once; beyond that an unknown kid is refused at once. */
        @WithDefault("4")
        int maxConcurrentFetches();

        /** Sustained key fetches per second allowed (token bucket); forged random kids cannot exceed it. */
        @WithDefault("2")
        double fetchesPerSecond();

        /** Burst of key fetches allowed before {@link #fetchesPerSecond()} applies. */
        @WithDefault("10")
        int fetchBurst();

        /** Most distinct kids remembered (known and unknown); the oldest unknown ones are evicted first. */
        @WithDefault("10000")
        int maxEntries();

        /** How long one fetch may take before the waiting webhooks are refused (Plaid retries them). */
        @WithDefault("5s")
        Duration fetchTimeout();
    }

    interface Sources {
        /** Whether only the addresses in {@link #allowed()} may post webhooks. Off by default. */
        @WithDefault("false")
        boolean allowListEnabled();

        /** Allowed source addresses; Plaid's published ones by default (REFERENCE 6, subject to change). */
        @WithDefault("52.21.26.131,52.21.47.157,52.41.247.19,52.88.82.239")
        List<String> allowed();

        /**
         * Header set by a trusted proxy carrying the client address (e.g. {@code X-Forwarded-For}; its first entry
         * is used). Empty: the TCP peer address is used.
         */
        Optional<String> trustedProxyHeader();
    }

    interface Publish {
        /**
         * How long the HTTP answer waits for Kafka's acknowledgement once the delivery is in the spool. After that
         * the delivery is answered 200 as spooled (durable in PostgreSQL) and the relay publishes it later.
         */
        @WithDefault("1500ms")
        Duration ackWait();

        /** How long a delivery may wait for the spool write before it is answered 503 (Plaid retries). */
        @WithDefault("5s")
        Duration spoolTimeout();

        /**
         * How long an accepted delivery may wait for its Kafka transaction before it is written to the spool. Every
         * delivery is sequenced and handed to the publisher at once; one whose transaction commits within this time
         * is durable on Kafka and never gets a spool row, so while the broker is healthy PostgreSQL is not on the
         * path at all. One still unpublished after it (the broker slow or down, the publisher recovering: then at
         * once) is written and answered as before. {@code 0}: every delivery is written at once, ahead of or
         * overlapping its transaction.
         */
        @WithDefault("100ms")
        Duration spoolAfter();

        /** Most deliveries written to the spool in one INSERT (group commit across concurrent requests). */
        @WithDefault("500")
        int spoolBatchSize();

        /** Most records published in one Kafka transaction. */
        @WithDefault("500")
        int publishBatchSize();

        /** Deliveries waiting for the spool writer; beyond this the request is answered 503. */
        @WithDefault("20000")
        int maxPending();

        /** Pause after a failed publish before retrying, doubling up to {@link #maxBackoff()}. */
        @WithDefault("200ms")
        Duration initialBackoff();

        /** Longest pause between publish retries while the broker is down. */
        @WithDefault("5s")
        Duration maxBackoff();

        /** Kafka {@code transaction.timeout.ms}, {@code delivery.timeout.ms} and {@code max.block.ms} budget. */
        @WithDefault("10s")
        Duration kafkaTimeout();

        /**
         * How often spool housekeeping deletes this instance's published rows below its first seq again: a row a
         * killed predecessor's database session committed late (at or below the marker, so never republished).
         */
        @WithDefault("60s")
        Duration spoolCatchUpInterval();

        /**
         * Transactional producers the publisher uses in turn, one transaction at a time (transactional ids:
         * {@code webhook-ingest.} plus the instance id, then the same plus {@code .lane-1}, ...). With one, each
         * transaction waits until the broker has written the previous one's commit markers; with two, that wait
         * overlaps the next transaction. 1 to 4.
         */
        @WithDefault("2")
        int transactionLanes();

        /**
         * The compacted topic holding each instance's marker, "highest spool seq published": one record per Kafka
         * transaction, keyed by the instance id, always in partition 0 (docs/services/webhook-ingest.md). Created
         * with {@code cleanup.policy=compact} and one partition when missing.
         */
        @WithDefault("webhook-ingest.spool-markers")
        String markerTopic();

        /** Extra Kafka producer properties, e.g. {@code tartan.ingest.publish.producer."linger.ms"=1}. */
        Map<String, String> producer();
    }
}
