package dev.tartan.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * The one envelope every Tartan event and command travels in (CloudEvents 1.0 structured mode).
 *
 * @param specversion CloudEvents spec version, always {@code 1.0}
 * @param id          unique event id; consumers record it in their inbox to stay idempotent
 * @param type        versioned type, e.g. {@code tartan.item.status-changed.v1} or {@code plaid.webhook.ITEM.ERROR}
 * @param source      the producing service
 * @param time        when the fact happened (for webhooks: when ingest received the delivery)
 * @param subject     the aggregate the event is about; also the Kafka key (item id, Beacon user id, ...)
 * @param dataversion schema version of {@code data}
 * @param data        the payload
 */
public record EventEnvelope(
        @JsonProperty("specversion") String specversion,
        @JsonProperty("id") String id,
        @JsonProperty("type") String type,
        @JsonProperty("source") String source,
        @JsonProperty("time") Instant time,
        @JsonProperty("subject") String subject,
        @JsonProperty("dataversion") int dataversion,
        @JsonProperty("data") JsonNode data) {

    public static final String SPEC_VERSION = "1.0";

    public EventEnvelope {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(data, "data");
        if (specversion == null) {
            specversion = SPEC_VERSION;
        }
    }

    /** Wraps a payload with a fresh event id and the current time. */
    public static <T> EventEnvelope wrap(EventType<T> type, String source, String subject, T payload) {
        return wrap(type, UUID.randomUUID().toString(), source, Instant.now().truncatedTo(ChronoUnit.MICROS), subject, payload);
    }

    /** Wraps a payload with a chosen id and time (deterministic ids make retried producers idempotent). */
    public static <T> EventEnvelope wrap(EventType<T> type, String id, String source, Instant time, String subject, T payload) {
        if (!type.payloadClass().isInstance(payload)) {
            throw new IllegalArgumentException(type + " carries " + type.payloadClass().getSimpleName());
        }
        return new EventEnvelope(SPEC_VERSION, id, type.name(), source, time, subject, type.version(),
                EventJson.mapper().valueToTree(payload));
    }

    /** Reads the payload as the record of the given type, checking that the type matches. */
    public <T> T dataAs(EventType<T> expected) {
        if (!expected.name().equals(type)) {
            throw new IllegalArgumentException("expected " + expected + " but event " + id + " is " + type);
        }
        return dataAs(expected.payloadClass());
    }

    public <T> T dataAs(Class<T> payloadClass) {
        try {
            return EventJson.mapper().treeToValue(data, payloadClass);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException("event " + id + " of type " + type + " has a malformed payload: " + e.getOriginalMessage(), e);
        }
    }

    public boolean is(EventType<?> eventType) {
        return eventType.name().equals(type);
    }

    public String toJson() {
        try {
            return EventJson.mapper().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The JSON of {@code new EventEnvelope(SPEC_VERSION, id, type, source, time, subject, dataversion,
     * mapper().valueToTree(payload)).toJson()}, written in one pass: the payload rides in a {@link POJONode}, which
     * the mapper serialises in place, so no tree of it is built first. webhook-ingest writes one per webhook, and the
     * tree was half of that cost. {@code EventEnvelopeTest} checks that the bytes are the same.
     */
    public static String toJson(String id, String type, String source, Instant time, String subject, int dataversion,
                                Object payload) {
        Objects.requireNonNull(payload, "data");
        return new EventEnvelope(SPEC_VERSION, id, type, source, time, subject, dataversion, new POJONode(payload)).toJson();
    }

    /** Parses a Kafka record value. Throws {@link MalformedEventException} for anything that is not an envelope. */
    public static EventEnvelope fromJson(String json) {
        if (json == null || json.isBlank()) {
            throw new MalformedEventException("empty record value", null);
        }
        try {
            return EventJson.mapper().readValue(json, EventEnvelope.class);
        } catch (JsonProcessingException | RuntimeException e) {
            throw new MalformedEventException("not a Tartan event envelope: " + e.getMessage(), e);
        }
    }
}
