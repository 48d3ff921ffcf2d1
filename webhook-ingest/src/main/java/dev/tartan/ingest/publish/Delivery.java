package dev.tartan.ingest.publish;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One accepted webhook delivery on its way to Kafka: the record to publish, its spool sequence number ({@code 0}
 * before the spool writer assigned one; {@code -1} when it is published directly, without a spool row), and the
 * milestones the HTTP answer waits on.
 *
 * <p>The spool writer assigns the seq and hands the delivery to the publisher <em>before</em> its INSERT commits, so
 * the Kafka transaction and the spool commit overlap (docs/services/webhook-ingest.md, "Overlap"). Three small state
 * machines keep that safe; each has a single writer of its final states:
 * <ul>
 *   <li>{@link #route}: who publishes it. The spool writer takes it ({@code NEW → SEQUENCED}) or its requester, after
 *       a spool timeout, takes it for a direct publish ({@code NEW → DIRECT}); never both.</li>
 *   <li>{@link #spoolOutcome}: set once, by the spool writer only ({@code PENDING → COMMITTED | FAILED | SKIPPED}, the
 *       last for a delivery that was on Kafka before its row was due: it never gets one). Unlike the
 *       {@link #spooled} future, a requester's timeout never changes it, so the publisher can rely on it.</li>
 *   <li>{@link #send}: the publisher claims it before putting it into a transaction; its requester may abandon it
 *       first (then answers 503) only when nothing else can make it durable (see {@link #abandon()}).</li>
 * </ul>
 */
public final class Delivery {

    private static final int ROUTE_NEW = 0, ROUTE_SEQUENCED = 1, ROUTE_DIRECT = 2;
    private static final int SPOOL_PENDING = 0, SPOOL_COMMITTED = 1, SPOOL_FAILED = 2, SPOOL_SKIPPED = 3;
    private static final int SEND_OPEN = 0, SEND_CLAIMED = 1, SEND_ABANDONED = 2;

    private final String deliveryId;
    private final String topic;
    private final String key;
    private final String eventType;
    private final String envelopeJson;
    private final Instant receivedAt;
    /** W3C traceparent of the HTTP request that accepted it (null when not traced); the record's header. */
    private final String traceparent;
    private volatile long seq;
    /**
     * Completes when the spool row is committed (durable), or fails when the spool write failed or the delivery never
     * reached the spool writer. Completed by the spool writer (or the resource when the writer refused it); never by
     * a timeout: waiters use a copy.
     */
    public final CompletableFuture<Void> spooled = new CompletableFuture<>();
    /**
     * Completes when a Kafka transaction containing the record committed. Fails only when it is certain that the
     * record is not on Kafka and never will be (its transaction was fenced and aborted) and it has no spool row.
     */
    public final CompletableFuture<Void> published = new CompletableFuture<>();
    final long createdNanos = System.nanoTime();
    private final AtomicInteger route = new AtomicInteger(ROUTE_NEW);
    private volatile int spoolOutcome = SPOOL_PENDING;
    private final AtomicInteger send = new AtomicInteger(SEND_OPEN);

    public Delivery(String deliveryId, String topic, String key, String eventType, String envelopeJson, Instant receivedAt) {
        this(deliveryId, topic, key, eventType, envelopeJson, receivedAt, null);
    }

    public Delivery(String deliveryId, String topic, String key, String eventType, String envelopeJson, Instant receivedAt,
                    String traceparent) {
        this.deliveryId = deliveryId;
        this.topic = topic;
        this.key = key;
        this.eventType = eventType;
        this.envelopeJson = envelopeJson;
        this.receivedAt = receivedAt;
        this.traceparent = traceparent;
    }

    /** A row read back from the spool by the relay (no one waits on it): committed, sequenced. */
    public static Delivery fromSpool(long seq, String deliveryId, String topic, String key, String eventType, String envelopeJson,
                              Instant receivedAt, String traceparent) {
        Delivery d = new Delivery(deliveryId, topic, key, eventType, envelopeJson, receivedAt, traceparent);
        d.seq = seq;
        d.route.set(ROUTE_SEQUENCED);
        d.spoolOutcome = SPOOL_COMMITTED;
        return d;
    }

    /** Spool writer: takes the delivery for the spool and assigns its seq; {@code false} if its requester went direct. */
    public boolean sequence(long seq) {
        if (!route.compareAndSet(ROUTE_NEW, ROUTE_SEQUENCED)) {
            return false;
        }
        this.seq = seq;
        return true;
    }

    /**
     * Requester, after the spool did not take the delivery in time: publish it directly (seq -1) unless the spool
     * writer already sequenced it and handed it to the publisher ({@code false}: then wait for that path instead).
     */
    public boolean takeDirect() {
        if (!route.compareAndSet(ROUTE_NEW, ROUTE_DIRECT)) {
            return false;
        }
        this.seq = -1;
        return true;
    }

    /** Spool writer: the INSERT carrying this delivery committed. */
    public void spoolCommitted() {
        spoolOutcome = SPOOL_COMMITTED;
        spooled.complete(null);
    }

    /** Thrown into {@link #spooled} of a delivery that needs no row: it is on Kafka (no stack: it is not a failure). */
    static final IllegalStateException NOT_SPOOLED = new IllegalStateException("on Kafka before its spool row was due") {
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    };

    /**
     * Spool writer: the delivery was on Kafka (its transaction committed) before its row was due, so it gets none. The
     * requester has its answer from {@link #published} already; {@link #spooled} fails so nothing waits on it.
     */
    public void spoolSkipped() {
        spoolOutcome = SPOOL_SKIPPED;
        spooled.completeExceptionally(NOT_SPOOLED);
    }

    /** Spool writer (or the resource when the writer refused it): there is no spool row and there will be none. */
    public void spoolFailed(Throwable cause) {
        spoolOutcome = SPOOL_FAILED;
        spooled.completeExceptionally(cause);
    }

    public boolean spoolCommittedForSure() {
        return spoolOutcome == SPOOL_COMMITTED;
    }

    public boolean spoolFailedForSure() {
        return spoolOutcome == SPOOL_FAILED;
    }

    public boolean spoolPending() {
        return spoolOutcome == SPOOL_PENDING;
    }

    /** Publisher: the record goes into a transaction unless its requester abandoned it. */
    boolean claimForSend() {
        return send.compareAndSet(SEND_OPEN, SEND_CLAIMED) || send.get() == SEND_CLAIMED;
    }

    /**
     * The requester gives up (answers 503) — allowed only while the publisher has not claimed the delivery and it has
     * no spool row for sure (direct, or its INSERT failed): a delivery with a committed or possibly-committing spool
     * row may still be published by recovery, so answering 503 for it could duplicate it through Plaid's retry.
     * {@code false}: wait for the outcome instead.
     */
    public boolean abandon() {
        if (route.get() != ROUTE_DIRECT && spoolOutcome != SPOOL_FAILED) {
            return false;
        }
        return send.compareAndSet(SEND_OPEN, SEND_ABANDONED);
    }

    public long ageMillis() {
        return (System.nanoTime() - createdNanos) / 1_000_000;
    }

    public String deliveryId() {
        return deliveryId;
    }

    public String topic() {
        return topic;
    }

    public String key() {
        return key;
    }

    public String eventType() {
        return eventType;
    }

    public String envelopeJson() {
        return envelopeJson;
    }

    public Instant receivedAt() {
        return receivedAt;
    }

    public String traceparent() {
        return traceparent;
    }

    public long seq() {
        return seq;
    }

    public void seq(long seq) {
        this.seq = seq;
    }
}
