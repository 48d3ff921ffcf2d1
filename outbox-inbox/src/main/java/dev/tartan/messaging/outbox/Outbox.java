package dev.tartan.messaging.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.EventType;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes events and commands into the outbox table <em>inside the caller's transaction</em>, so a
 * state change and what it causes commit together or not at all. Call it from a method that runs in
 * {@code @WithTransaction} and return (chain) the {@link Uni} it gives you: an unsubscribed Uni writes nothing.
 */
@ApplicationScoped
public class Outbox {

    static final String NOTIFY_CHANNEL = "tartan_outbox";

    private final String source;

    public Outbox(@ConfigProperty(name = "quarkus.application.name") String source) {
        this.source = source;
    }

    /** The name this service stamps as CloudEvents {@code source}. */
    public String source() {
        return source;
    }

    /** Wraps the payload in a fresh envelope and appends it to the outbox of the current transaction. */
    public <T> Uni<EventEnvelope> publish(EventType<T> type, String aggregateType, String subject, T payload) {
        return append(type.topic(), aggregateType, EventEnvelope.wrap(type, source, subject, payload));
    }

    /** Appends a ready envelope (for a chosen id, e.g. derived from the cause, so a retry cannot emit twice). */
    public Uni<EventEnvelope> append(String topic, String aggregateType, EventEnvelope envelope) {
        String payload = envelope.toJson();
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "INSERT INTO outbox_event (id, topic, aggregate_type, aggregate_id, type, payload, traceparent) "
                                + "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)")
                .setParameter(1, envelope.id())
                .setParameter(2, topic)
                .setParameter(3, aggregateType)
                .setParameter(4, envelope.subject())
                .setParameter(5, envelope.type())
                .setParameter(6, payload)
                .setParameter(7, currentTraceparent())
                .executeUpdate()
                // delivered by PostgreSQL only when this transaction commits: wakes the relay with no polling delay
                .chain(() -> session.createNativeQuery("NOTIFY " + NOTIFY_CHANNEL).executeUpdate()))
                .replaceWith(envelope);
    }

    /** One row for {@link #appendAll}: where it goes, what it belongs to, and the envelope. */
    public record Pending(String topic, String aggregateType, EventEnvelope envelope) {
    }

    /**
     * Collects the appends of one transaction so they can be written by one {@link #appendAll} statement: a batch
     * consumer or a sweep that touches hundreds of aggregates would otherwise pay one round trip per event.
     */
    public static final class Batch {
        private final List<Pending> rows = new ArrayList<>();

        public EventEnvelope add(String topic, String aggregateType, EventEnvelope envelope) {
            rows.add(new Pending(topic, aggregateType, envelope));
            return envelope;
        }

        public List<Pending> rows() {
            return rows;
        }

        public boolean isEmpty() {
            return rows.isEmpty();
        }
    }

    /** Writes a collected batch (see {@link #appendAll(List)}). */
    public Uni<Integer> appendAll(Batch batch) {
        return appendAll(batch.rows());
    }

    /**
     * Appends many envelopes in one statement inside the caller's transaction, in list order (relay order follows
     * {@code seq}, so one aggregate's events keep the order they were added in). The rows travel as one JSON array
     * bound as text and cast: the reactive client would send a String bound where PostgreSQL infers jsonb as a JSON
     * string scalar, and it has no portable binding for text[].
     */
    public Uni<Integer> appendAll(List<Pending> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        ArrayNode array = EventJson.mapper().createArrayNode();
        for (Pending p : rows) {
            ObjectNode o = array.addObject();
            o.put("id", p.envelope().id());
            o.put("topic", p.topic());
            o.put("aggregate_type", p.aggregateType());
            o.put("aggregate_id", p.envelope().subject());
            o.put("type", p.envelope().type());
            o.put("payload", p.envelope().toJson());
        }
        String json;
        try {
            json = EventJson.mapper().writeValueAsString(array);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        String traceparent = currentTraceparent();
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "INSERT INTO outbox_event (id, topic, aggregate_type, aggregate_id, type, payload, traceparent) "
                                        + "SELECT e.v->>'id', e.v->>'topic', e.v->>'aggregate_type', e.v->>'aggregate_id', e.v->>'type', "
                                        + "e.v->>'payload', ?2 "
                                        + "FROM jsonb_array_elements(CAST(CAST(?1 AS text) AS jsonb)) WITH ORDINALITY AS e(v, ord) "
                                        + "ORDER BY e.ord")
                        .setParameter(1, json)
                        .setParameter(2, traceparent)
                        .executeUpdate()
                .call(() -> session.createNativeQuery("NOTIFY " + NOTIFY_CHANNEL).executeUpdate()));
    }

    /** W3C traceparent of the current span, so the relayed record continues the trace that caused it. */
    static String currentTraceparent() {
        SpanContext ctx = Span.current().getSpanContext();
        if (!ctx.isValid()) {
            return null;
        }
        return "00-" + ctx.getTraceId() + "-" + ctx.getSpanId() + "-" + ctx.getTraceFlags().asHex();
    }
}
