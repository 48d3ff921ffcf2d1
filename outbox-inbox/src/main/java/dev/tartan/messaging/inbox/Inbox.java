package dev.tartan.messaging.inbox;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tartan.contracts.EventJson;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Runs a consumer's effect at most once per message id (the eventuate-tram idempotent consumer):
 * the {@code (consumer, message_id)} row is inserted first, in the handler's own transaction; when
 * it already exists the effect is skipped. {@code ON CONFLICT DO NOTHING} instead of catching a
 * unique violation, because a raised error would abort the surrounding transaction.
 *
 * <p>Call it inside {@code @WithTransaction}; the effect and the inbox row commit together.
 */
@ApplicationScoped
public class Inbox {

    private final MeterRegistry registry;

    public Inbox(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @return {@code true} if the work ran, {@code false} if this consumer had already processed the message
     */
    public Uni<Boolean> runOnce(String consumer, String messageId, Supplier<Uni<?>> work) {
        Counter duplicates = duplicates(consumer);
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "INSERT INTO inbox_message (consumer, message_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING")
                .setParameter(1, consumer)
                .setParameter(2, messageId)
                .executeUpdate())
                .chain(inserted -> {
                    if (inserted == 0) {
                        duplicates.increment();
                        return Uni.createFrom().item(false);
                    }
                    return work.get().replaceWith(true);
                });
    }

    /**
     * The batch form of {@link #runOnce}: records every id for this consumer in one statement, inside the caller's
     * transaction, and returns the ids that were <em>not</em> recorded before; the caller applies exactly those (and
     * each only once, even if the batch holds it twice). Skipped ids count as duplicates.
     */
    public Uni<Set<String>> claimAll(String consumer, Collection<String> messageIds) {
        Set<String> distinct = new LinkedHashSet<>(messageIds);
        if (distinct.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        Counter duplicates = duplicates(consumer);
        String ids;
        try {
            ids = EventJson.mapper().writeValueAsString(distinct);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "INSERT INTO inbox_message (consumer, message_id) "
                                        + "SELECT ?1, x FROM jsonb_array_elements_text(CAST(CAST(?2 AS text) AS jsonb)) AS x "
                                        + "ON CONFLICT DO NOTHING RETURNING message_id", String.class)
                        .setParameter(1, consumer)
                        .setParameter(2, ids)
                        .getResultList())
                .map((List<String> fresh) -> {
                    int skipped = messageIds.size() - fresh.size();
                    if (skipped > 0) {
                        duplicates.increment(skipped);
                    }
                    return new HashSet<>(fresh);
                });
    }

    /**
     * The consumer's duplicate counter, registered on its first message (not its first duplicate), so the series
     * exists at zero and dashboards and rate() see it.
     */
    private Counter duplicates(String consumer) {
        return registry.counter("tartan_inbox_duplicates_skipped_total", "consumer", consumer);
    }
}
