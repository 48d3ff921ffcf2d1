package dev.tartan.item.relink;

import dev.tartan.item.ItemConfig;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.item.state.ItemLifecycle;
import dev.tartan.item.state.Transition;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/**
 * Sends {@code relink.reminder} while a re-link stays unresolved, on the configured schedule
 * ({@code tartan.item.relink.reminder-intervals}). Index-driven (item_reminder_due); Items selected for
 * removal get no more reminders.
 */
@ApplicationScoped
public class RelinkReminders {

    private final ItemConfig config;
    private final ItemLifecycle lifecycle;

    public RelinkReminders(ItemConfig config, ItemLifecycle lifecycle) {
        this.config = config;
        this.lifecycle = lifecycle;
    }

    @Scheduled(identity = "relink-reminders", every = "${tartan.item.relink.reminder-sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sendDue(Instant.now()).replaceWithVoid();
    }

    /** Sends the reminders due at {@code now}, batch by batch; returns how many were sent. */
    public Uni<Integer> sendDue(Instant now) {
        return batch(now).chain(n -> n < config.relink().reminderBatchSize()
                ? Uni.createFrom().item(n) : sendDue(now).map(m -> m + n));
    }

    @WithTransaction
    Uni<Integer> batch(Instant now) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                                "SELECT item_id FROM item WHERE relink_id IS NOT NULL AND removal_id IS NULL AND relink_next_reminder_at <= ?1 "
                                        + "ORDER BY relink_next_reminder_at LIMIT ?2 FOR UPDATE SKIP LOCKED", String.class)
                        .setParameter(1, now).setParameter(2, config.relink().reminderBatchSize()).getResultList())
                .chain(ids -> ids.isEmpty() ? Uni.createFrom().item(0)
                        : ItemEntity.<ItemEntity>list("itemId in ?1", ids).chain(items -> remind(items, 0, now)).replaceWith(ids.size()));
    }

    private Uni<Void> remind(List<ItemEntity> items, int i, Instant now) {
        if (i >= items.size()) {
            return Uni.createFrom().voidItem();
        }
        ItemEntity item = items.get(i);
        String causeId = item.relinkId + "/reminder-" + (item.relinkReminders + 1);
        Transition t = lifecycle.machine(causeId).remind(item.toState(), now);
        return lifecycle.commit(item, t, causeId, now).chain(() -> remind(items, i + 1, now));
    }
}
