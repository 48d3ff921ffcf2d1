package dev.tartan.ingest.publish;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One accepted webhook delivery on its way to Kafka: the record to publish, its spool sequence number once written
 * ({@code 0} before; {@code -1} when the spool was unavailable and it is published directly), and two milestones
 * the HTTP answer waits on.
 */
public final class Delivery {

    private final String deliveryId;
    private final String topic;
    private final String key;
    private final String eventType;
    private final String envelopeJson;
    private final Instant receivedAt;
    /** W3C traceparent of the HTTP request that accepted it (null when not traced); the record's header. */
    private final String traceparent;
    private volatile long seq;
    /** Completes when the spool row is committed (durable), or fails when the spool is unavailable. */
    public final CompletableFuture<Void> spooled = new CompletableFuture<>();
    /** Completes when a Kafka transaction containing the record committed. */
    public final CompletableFuture<Void> published = new CompletableFuture<>();
    final long createdNanos = System.nanoTime();
    /** For deliveries that could not be spooled: 0 waiting, 1 being sent, 2 abandoned by its requester. */
    private final java.util.concurrent.atomic.AtomicInteger directState = new java.util.concurrent.atomic.AtomicInteger();

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

    /** A row read back from the spool by the relay (no one waits on it). */
    public static Delivery fromSpool(long seq, String deliveryId, String topic, String key, String eventType, String envelopeJson,
                              Instant receivedAt, String traceparent) {
        Delivery d = new Delivery(deliveryId, topic, key, eventType, envelopeJson, receivedAt, traceparent);
        d.seq = seq;
        return d;
    }

    /**
     * The publisher takes an unspooled delivery only if its requester has not given up (answered 503) on it, so a
     * delivery Plaid will retry is never also published. Spooled deliveries are always taken.
     */
    boolean claimForSend() {
        return seq > 0 || directState.compareAndSet(0, 1);
    }

    /** The requester gives up on an unspooled delivery; {@code false} if it is already being sent (then wait). */
    public boolean abandon() {
        return directState.compareAndSet(0, 2);
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
