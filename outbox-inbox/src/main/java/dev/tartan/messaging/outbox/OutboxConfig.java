package dev.tartan.messaging.outbox;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

/** Settings of the transactional outbox relay (prefix {@code tartan.outbox}). */
@ConfigMapping(prefix = "tartan.outbox")
public interface OutboxConfig {

    /** Whether this instance runs a relay. All instances may: only one relays at a time (advisory lock). */
    @WithDefault("true")
    boolean relayEnabled();

    /** Most rows published per relay transaction. */
    @WithDefault("500")
    int batchSize();

    /**
     * Fallback polling interval when idle. New rows normally wake the relay at once through
     * PostgreSQL NOTIFY, which is delivered when the writing transaction commits.
     */
    @WithDefault("500ms")
    Duration pollInterval();

    /** How long a batch may wait for the broker's acknowledgements before it is retried. */
    @WithDefault("10s")
    Duration sendTimeout();

    /** Pause after a failed batch (broker down) before the next try, doubling up to {@link #maxBackoff()}. */
    @WithDefault("200ms")
    Duration initialBackoff();

    @WithDefault("5s")
    Duration maxBackoff();

    /** How often backlog size and age are measured for metrics. */
    @WithDefault("5s")
    Duration statsInterval();

    /** Extra Kafka producer properties for the relay (e.g. {@code tartan.outbox.producer."linger.ms"=5}). */
    Map<String, String> producer();
}
