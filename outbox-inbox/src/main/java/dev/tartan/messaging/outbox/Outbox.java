package dev.tartan.messaging.outbox;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventType;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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

    /** W3C traceparent of the current span, so the relayed record continues the trace that caused it. */
    static String currentTraceparent() {
        SpanContext ctx = Span.current().getSpanContext();
        if (!ctx.isValid()) {
            return null;
        }
        return "00-" + ctx.getTraceId() + "-" + ctx.getSpanId() + "-" + ctx.getTraceFlags().asHex();
    }
}
