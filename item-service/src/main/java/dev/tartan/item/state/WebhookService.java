package dev.tartan.item.state;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.item.registry.UnknownItemWebhookEntity;
import dev.tartan.messaging.inbox.Inbox;
import dev.tartan.messaging.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies ITEM webhooks. Every verified delivery arrives (identical repeats included): the inbox skips a
 * redelivered record, the state machine makes a repeated webhook a no-op. A webhook for an Item not yet
 * registered is held until {@code item.linked} arrives (or reported when it expires).
 */
@ApplicationScoped
public class WebhookService {

    private static final Logger LOG = Logger.getLogger(WebhookService.class);
    public static final String CONSUMER = "item-service.webhooks";

    /** What happened to one webhook. */
    public enum Outcome { APPLIED, UNCHANGED, VERIFY, HELD, DUPLICATE, IGNORED }

    /** @param itemId the Item concerned (so the caller can start a verification) */
    public record Result(String itemId, Outcome outcome) {
    }

    /**
     * A consumed record that parsed: its envelope, the webhook read from it, and the record's trace context (W3C
     * traceparent, {@code null} when untraced): the commands it causes carry it, so they continue its trace.
     */
    public record Incoming(EventEnvelope envelope, WebhookParser.ParsedWebhook parsed, String traceparent) {
        public static Incoming of(EventEnvelope envelope) {
            return of(envelope, null);
        }

        public static Incoming of(EventEnvelope envelope, String traceparent) {
            return new Incoming(envelope, WebhookParser.parse(envelope), traceparent);
        }
    }

    private final Inbox inbox;
    private final ItemLifecycle lifecycle;
    private final Outbox outbox;
    private final MeterRegistry registry;

    public WebhookService(Inbox inbox, ItemLifecycle lifecycle, Outbox outbox, MeterRegistry registry) {
        this.inbox = inbox;
        this.lifecycle = lifecycle;
        this.outbox = outbox;
        this.registry = registry;
    }

    /**
     * Applies a batch of webhooks (one Kafka poll) in one transaction: one inbox statement for all ids, one locking
     * read of all Items concerned (in item_id order, so two batches can never deadlock), the state machine per webhook
     * in arrival order on the managed entities (several webhooks of one Item apply one after the other), and one outbox
     * statement for every event. The per-record path costs a transaction and five round trips per webhook; this costs
     * four statements plus the entity updates per batch. Results come back in input order ({@code DUPLICATE} for ids
     * already processed, or repeated within the batch).
     */
    @WithTransaction
    public Uni<List<Result>> handleBatch(List<Incoming> batch) {
        if (batch.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Instant now = Instant.now();
        return inbox.claimAll(CONSUMER, batch.stream().map(i -> i.envelope().id()).toList())
                .chain(fresh -> {
                    Set<String> itemIds = new TreeSet<>();
                    for (Incoming i : batch) {
                        if (fresh.contains(i.envelope().id())) {
                            itemIds.add(i.parsed().itemId());
                        }
                    }
                    Uni<List<ItemEntity>> items = itemIds.isEmpty() ? Uni.createFrom().item(List.of())
                            : ItemEntity.<ItemEntity>find("itemId in ?1 order by itemId", List.copyOf(itemIds))
                                    .withLock(LockModeType.PESSIMISTIC_WRITE).list();
                    return items.chain(found -> applyInOrder(batch, fresh, found, now));
                });
    }

    private Uni<List<Result>> applyInOrder(List<Incoming> batch, Set<String> fresh, List<ItemEntity> found, Instant now) {
        Map<String, ItemEntity> byId = new HashMap<>();
        for (ItemEntity item : found) {
            byId.put(item.itemId, item);
        }
        Outbox.Batch events = new Outbox.Batch();
        Set<String> seen = new HashSet<>();
        // one after the other (concatenate): the session is not thread-safe and one Item's webhooks must apply in order
        return Multi.createFrom().iterable(batch)
                .onItem().transformToUniAndConcatenate(in -> {
                    String id = in.envelope().id();
                    if (!fresh.contains(id) || !seen.add(id)) {
                        return Uni.createFrom().item(new Result(in.parsed().itemId(), Outcome.DUPLICATE));
                    }
                    ItemEntity item = byId.get(in.parsed().itemId());
                    int firstRow = events.size();
                    Uni<Outcome> outcome = item == null
                            ? hold(in.envelope(), in.parsed()).replaceWith(Outcome.HELD)
                            // what this webhook causes continues its record's trace, not whichever span the batch has
                            : apply(item, in.parsed(), id, now, events).invoke(() -> events.causedBy(firstRow, in.traceparent()));
                    return outcome.map(o -> {
                        registry.counter("tartan_item_webhooks_total", "code", in.parsed().signal().code(), "outcome", o.name()).increment();
                        return new Result(in.parsed().itemId(), o);
                    });
                })
                .collect().asList()
                .call(() -> outbox.appendAll(events));
    }

    @WithTransaction
    public Uni<Result> handle(EventEnvelope envelope) {
        WebhookParser.ParsedWebhook parsed = WebhookParser.parse(envelope);
        AtomicReference<Outcome> outcome = new AtomicReference<>(Outcome.DUPLICATE);
        return inbox.runOnce(CONSUMER, envelope.id(), () -> ItemEntity.<ItemEntity>findById(parsed.itemId(), LockModeType.PESSIMISTIC_WRITE)
                        .chain(item -> {
                            if (item == null) {
                                outcome.set(Outcome.HELD);
                                return hold(envelope, parsed);
                            }
                            return apply(item, parsed, envelope.id(), Instant.now()).invoke(outcome::set);
                        }))
                .map(ran -> {
                    registry.counter("tartan_item_webhooks_total", "code", parsed.signal().code(), "outcome", outcome.get().name()).increment();
                    return new Result(parsed.itemId(), outcome.get());
                });
    }

    Uni<Outcome> apply(ItemEntity item, WebhookParser.ParsedWebhook parsed, String causeId, Instant now) {
        return apply(item, parsed, causeId, now, null);
    }

    private Uni<Outcome> apply(ItemEntity item, WebhookParser.ParsedWebhook parsed, String causeId, Instant now, Outbox.Batch events) {
        if (item.itemStatus() == ItemStatus.REMOVED) {
            return Uni.createFrom().item(Outcome.IGNORED);
        }
        Signal.Webhook w = parsed.signal();
        if (item.lastWebhookAt == null || !w.receivedAt().isBefore(item.lastWebhookAt)) {
            item.lastWebhookAt = w.receivedAt();
            item.lastWebhookCode = w.code();
        }
        if (WebhookCodes.WEBHOOK_UPDATE_ACKNOWLEDGED.equals(w.code()) && parsed.newWebhookUrl() != null) {
            LOG.infof("item_id=%s: webhook URL acknowledged: %s", item.itemId, parsed.newWebhookUrl());
            item.webhookUrl = parsed.newWebhookUrl();
        }
        return lifecycle.apply(item, w, causeId, now, events).map(t -> t.needsVerification() ? Outcome.VERIFY
                : t.effects().isEmpty() ? Outcome.UNCHANGED : Outcome.APPLIED);
    }

    private Uni<Void> hold(EventEnvelope envelope, WebhookParser.ParsedWebhook parsed) {
        LOG.infof("item_id=%s: %s for an Item not registered yet; held until item.linked", parsed.itemId(), parsed.signal().code());
        UnknownItemWebhookEntity held = new UnknownItemWebhookEntity();
        held.eventId = envelope.id();
        held.itemId = parsed.itemId();
        held.webhookCode = parsed.signal().code();
        held.envelope = envelope.toJson();
        held.receivedAt = parsed.signal().receivedAt();
        held.storedAt = Instant.now();
        return held.persist().replaceWithVoid();
    }

    /** Applies, in arrival order, the webhooks held for a just-registered Item (caller's transaction). */
    public Uni<Void> replayHeld(ItemEntity item, String causeId) {
        return UnknownItemWebhookEntity.<UnknownItemWebhookEntity>list("itemId = ?1 order by receivedAt, eventId", item.itemId)
                .chain(held -> replay(item, held, 0));
    }

    private Uni<Void> replay(ItemEntity item, List<UnknownItemWebhookEntity> held, int i) {
        if (i >= held.size()) {
            return Uni.createFrom().voidItem();
        }
        UnknownItemWebhookEntity h = held.get(i);
        WebhookParser.ParsedWebhook parsed = WebhookParser.parse(EventEnvelope.fromJson(h.envelope));
        LOG.infof("item_id=%s: applying held %s", item.itemId, h.webhookCode);
        return apply(item, parsed, h.eventId, Instant.now())
                .chain(() -> h.delete())
                .chain(() -> replay(item, held, i + 1));
    }
}
