package dev.tartan.item.registry;

import dev.tartan.item.ItemConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Reports webhooks held for Items that never got registered within {@code tartan.item.webhooks.unknown-item-retention}:
 * each is logged with its Item id and code and counted ({@code tartan_item_unknown_item_webhooks_expired_total}), then dropped.
 */
@ApplicationScoped
public class UnknownItemSweep {

    private static final Logger LOG = Logger.getLogger(UnknownItemSweep.class);

    private final ItemConfig config;
    private final MeterRegistry registry;

    public UnknownItemSweep(ItemConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    @Scheduled(identity = "unknown-item-webhooks", every = "${tartan.item.webhooks.unknown-item-sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return expire(Instant.now()).replaceWithVoid();
    }

    @WithTransaction
    public Uni<Integer> expire(Instant now) {
        Instant cutoff = now.minus(config.webhooks().unknownItemRetention());
        return UnknownItemWebhookEntity.<UnknownItemWebhookEntity>find("storedAt < ?1", cutoff)
                .withLock(LockModeType.PESSIMISTIC_WRITE).page(0, 1000).list()
                .call(expired -> {
                    for (UnknownItemWebhookEntity w : expired) {
                        LOG.warnf("item_id=%s: %s webhook (event %s, received %s) for an Item never registered; dropped after %s",
                                w.itemId, w.webhookCode, w.eventId, w.receivedAt, config.webhooks().unknownItemRetention());
                        registry.counter("tartan_item_unknown_item_webhooks_expired_total", "code", w.webhookCode).increment();
                    }
                    return expired.isEmpty() ? Uni.createFrom().voidItem()
                            : UnknownItemWebhookEntity.delete("eventId in ?1", expired.stream().map(w -> w.eventId).toList()).replaceWithVoid();
                })
                .map(java.util.List::size);
    }
}
