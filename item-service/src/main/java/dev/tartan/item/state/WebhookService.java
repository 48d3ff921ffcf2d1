package dev.tartan.item.state;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.item.registry.UnknownItemWebhookEntity;
import dev.tartan.messaging.inbox.Inbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
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

    private final Inbox inbox;
    private final ItemLifecycle lifecycle;
    private final MeterRegistry registry;

    public WebhookService(Inbox inbox, ItemLifecycle lifecycle, MeterRegistry registry) {
        this.inbox = inbox;
        this.lifecycle = lifecycle;
        this.registry = registry;
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
        return lifecycle.apply(item, w, causeId, now).map(t -> t.needsVerification() ? Outcome.VERIFY
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
