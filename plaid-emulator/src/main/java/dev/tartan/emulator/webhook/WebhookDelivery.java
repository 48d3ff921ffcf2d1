package dev.tartan.emulator.webhook;

import dev.tartan.emulator.api.Json;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/** One webhook and every attempt to deliver it. Mutated by the dispatcher under this object's monitor. */
public final class WebhookDelivery {
    /** Where a delivery stands. */
    public enum State {
        /** First attempt not made yet. */
        PENDING,
        /** An attempt failed; another is scheduled. */
        RETRYING,
        /** A receiver answered 200. */
        DELIVERED,
        /** Every attempt inside the retry window failed. */
        GAVE_UP,
        /** Cancelled by {@code /emulator/reset}. */
        CANCELLED
    }

    /** One POST: when, the status answered (null when none), the failure if any, how long it took. */
    public record Attempt(int number, Instant at, Integer status, String error, long durationMs, String kid) {
        Map<String, Object> toJson() {
            return Json.obj("number", number, "at", at.toString(), "status", status, "error", error,
                    "duration_ms", durationMs, "kid", kid);
        }
    }

    private final String id;
    private final String url;
    private final String webhookType;
    private final String webhookCode;
    private final String itemId;
    private final String body;
    private final Instant createdAt;
    private final List<Attempt> attempts = new ArrayList<>();
    private State state = State.PENDING;
    private Instant nextAttemptAt;
    /** Planned offset of the next attempt from the first, for the give-up decision (independent of clock drift). */
    private Duration plannedOffset = Duration.ZERO;
    private ScheduledFuture<?> next;

    WebhookDelivery(String id, String url, String webhookType, String webhookCode, String itemId, String body,
                    Instant createdAt) {
        this.id = id;
        this.url = url;
        this.webhookType = webhookType;
        this.webhookCode = webhookCode;
        this.itemId = itemId;
        this.body = body;
        this.createdAt = createdAt;
        this.nextAttemptAt = createdAt;
    }

    public String id() {
        return id;
    }

    public String url() {
        return url;
    }

    public String webhookType() {
        return webhookType;
    }

    public String webhookCode() {
        return webhookCode;
    }

    public String itemId() {
        return itemId;
    }

    public String body() {
        return body;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public synchronized State state() {
        return state;
    }

    synchronized void state(State newState) {
        this.state = newState;
    }

    public synchronized List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    synchronized void addAttempt(Attempt attempt) {
        attempts.add(attempt);
    }

    synchronized Duration plannedOffset() {
        return plannedOffset;
    }

    synchronized void plannedOffset(Duration offset) {
        this.plannedOffset = offset;
    }

    synchronized void next(ScheduledFuture<?> future, Instant at) {
        this.next = future;
        this.nextAttemptAt = at;
    }

    synchronized void cancel() {
        if (next != null) {
            next.cancel(false);
        }
        if (state == State.PENDING || state == State.RETRYING) {
            state = State.CANCELLED;
            nextAttemptAt = null;
        }
    }

    synchronized void finished() {
        this.nextAttemptAt = null;
        this.next = null;
    }

    /** The delivery-log entry of the control API. */
    public synchronized Map<String, Object> toJson() {
        return Json.obj(
                "id", id,
                "url", url,
                "webhook_type", webhookType,
                "webhook_code", webhookCode,
                "item_id", itemId,
                "body", body,
                "body_sha256", WebhookSigner.sha256Hex(body),
                "created_at", createdAt.toString(),
                "state", state.name(),
                "next_attempt_at", nextAttemptAt == null ? null : nextAttemptAt.toString(),
                "attempts", attempts.stream().map(Attempt::toJson).toList());
    }
}
