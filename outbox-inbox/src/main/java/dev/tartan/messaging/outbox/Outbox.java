package dev.tartan.messaging.outbox;

import dev.tartan.contracts.EventEnvelope;
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

    /**
     * One row for {@link #appendAll}: where it goes, what it belongs to, the envelope, and the W3C traceparent of what
     * caused it ({@code null}: the span current when {@link #appendAll} runs). A batch consumer sets it per row, so the
     * relayed record continues the trace of the record that caused it, not of the batch.
     */
    public record Pending(String topic, String aggregateType, EventEnvelope envelope, String traceparent) {
        public Pending(String topic, String aggregateType, EventEnvelope envelope) {
            this(topic, aggregateType, envelope, null);
        }

        public Pending tracedBy(String traceparent) {
            return new Pending(topic, aggregateType, envelope, traceparent);
        }
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

        public int size() {
            return rows.size();
        }

        /**
         * The rows added since index {@code from} were caused by the message whose trace context is {@code traceparent}
         * (a batch consumer calls it after applying each record); rows that already carry one keep it.
         */
        public void causedBy(int from, String traceparent) {
            if (traceparent == null) {
                return;
            }
            for (int i = from; i < rows.size(); i++) {
                if (rows.get(i).traceparent() == null) {
                    rows.set(i, rows.get(i).tracedBy(traceparent));
                }
            }
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
     * {@code seq}, so one aggregate's events keep the order they were added in). The columns travel as text arrays
     * ({@code unnest}): one statement whatever the batch size, and no JSON-in-JSON escaping of every payload.
     */
    public Uni<Integer> appendAll(List<Pending> rows) {
        if (rows.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        int n = rows.size();
        String[] ids = new String[n];
        String[] topics = new String[n];
        String[] aggregateTypes = new String[n];
        String[] aggregateIds = new String[n];
        String[] types = new String[n];
        String[] payloads = new String[n];
        String[] traceparents = new String[n];
        String current = currentTraceparent();
        for (int i = 0; i < n; i++) {
            Pending p = rows.get(i);
            ids[i] = p.envelope().id();
            topics[i] = p.topic();
            aggregateTypes[i] = p.aggregateType();
            aggregateIds[i] = p.envelope().subject();
            types[i] = p.envelope().type();
            payloads[i] = p.envelope().toJson();
            traceparents[i] = p.traceparent() != null ? p.traceparent() : current;
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "INSERT INTO outbox_event (id, topic, aggregate_type, aggregate_id, type, payload, traceparent) "
                                        + "SELECT u.id, u.topic, u.aggregate_type, u.aggregate_id, u.type, u.payload, u.traceparent "
                                        + "FROM unnest(CAST(?1 AS text[]), CAST(?2 AS text[]), CAST(?3 AS text[]), CAST(?4 AS text[]), "
                                        + "CAST(?5 AS text[]), CAST(?6 AS text[]), CAST(?7 AS text[])) "
                                        + "WITH ORDINALITY AS u(id, topic, aggregate_type, aggregate_id, type, payload, traceparent, ord) ORDER BY u.ord")
                        .setParameter(1, ids)
                        .setParameter(2, topics)
                        .setParameter(3, aggregateTypes)
                        .setParameter(4, aggregateIds)
                        .setParameter(5, types)
                        .setParameter(6, payloads)
                        .setParameter(7, traceparents)
                        .executeUpdate()
                .call(() -> session.createNativeQuery("NOTIFY " + NOTIFY_CHANNEL).executeUpdate()));
    }

    /** W3C traceparent of the current span, so the relayed record continues the trace that caused it. */
    static String currentTraceparent() {
        return traceparent(Span.current().getSpanContext());
    }

    /** W3C traceparent of a span context ({@code 00-<trace id>-<span id>-<flags>}), or {@code null} if it is invalid. */
    public static String traceparent(SpanContext ctx) {
        if (ctx == null || !ctx.isValid()) {
            return null;
        }
        return "00-" + ctx.getTraceId() + "-" + ctx.getSpanId() + "-" + ctx.getTraceFlags().asHex();
    }
}
