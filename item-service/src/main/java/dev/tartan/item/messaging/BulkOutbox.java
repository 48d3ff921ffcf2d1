package dev.tartan.item.messaging;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.item.registry.ItemEntity;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;

/**
 * Appends many envelopes to the shared outbox table in one statement, inside the caller's transaction. Same rows as
 * {@code Outbox.append} writes (one round trip per event is what makes a 10-million-Item sweep slow); used by the
 * set-based sweeps only. The rows travel as one text parameter cast to jsonb: a String bound where PostgreSQL infers
 * jsonb would be sent by the reactive client as a JSON string scalar.
 */
@ApplicationScoped
public class BulkOutbox {

    /** {@code Outbox.NOTIFY_CHANNEL}: wakes the relay when the transaction commits. */
    static final String NOTIFY_CHANNEL = "tartan_outbox";

    public Uni<Integer> append(String topic, String aggregateType, List<EventEnvelope> envelopes) {
        if (envelopes.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        String rows = ItemEntity.write(envelopes.stream()
                .map(e -> Map.of("id", e.id(), "aggregate_id", e.subject(), "type", e.type(), "payload", e.toJson()))
                .toList());
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "INSERT INTO outbox_event (id, topic, aggregate_type, aggregate_id, type, payload) "
                                        + "SELECT u.id, ?2, ?3, u.aggregate_id, u.type, u.payload "
                                        + "FROM jsonb_to_recordset(CAST(CAST(?1 AS text) AS jsonb)) AS u(id text, aggregate_id text, type text, payload text)")
                        .setParameter(1, rows)
                        .setParameter(2, topic)
                        .setParameter(3, aggregateType)
                        .executeUpdate()
                .call(() -> session.createNativeQuery("NOTIFY " + NOTIFY_CHANNEL).executeUpdate()));
    }
}
