package dev.tartan.item.removal;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.churn.ChurnRemovalRequested;
import dev.tartan.contracts.churn.RemovalReason;
import dev.tartan.contracts.churn.UserItemsRemovalRequested;
import dev.tartan.item.ItemConfig;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.item.state.ItemLifecycle;
import dev.tartan.messaging.consumer.PermanentEventFailure;
import dev.tartan.messaging.inbox.Inbox;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * Selects Items for removal on explicit requests (user closed their account, fraud: from the
 * {@code tartan.commands.churn-removal} topic or the API) and writes the {@code churn.removal-requested}
 * command. The churn sweep does the same set-based ({@link dev.tartan.item.churn.ChurnSweep}).
 */
@ApplicationScoped
public class RemovalRequests {

    private static final Logger LOG = Logger.getLogger(RemovalRequests.class);
    public static final String CONSUMER = "item-service.churn-removal";

    private final Inbox inbox;
    private final ItemLifecycle lifecycle;
    private final RemovalTiming timing;

    public RemovalRequests(Inbox inbox, ItemLifecycle lifecycle, ItemConfig config) {
        this.inbox = inbox;
        this.lifecycle = lifecycle;
        this.timing = timing(config);
    }

    public static RemovalTiming timing(ItemConfig config) {
        return new RemovalTiming(config.removal().recurringBilledProducts(), config.removal().monthEndWindowDays());
    }

    /** One record of {@code tartan.commands.churn-removal}: only other services' user-items requests concern us. */
    @WithTransaction
    public Uni<Integer> onChurnCommand(EventEnvelope envelope) {
        if (!envelope.is(EventTypes.USER_ITEMS_REMOVAL_REQUESTED)) {
            return Uni.createFrom().item(0); // our own removal-requested: the registry already holds it
        }
        UserItemsRemovalRequested request = envelope.dataAs(EventTypes.USER_ITEMS_REMOVAL_REQUESTED);
        if (request.clientUserId() == null || request.reason() == null) {
            throw new PermanentEventFailure("user-items-removal-requested " + envelope.id() + " lacks client_user_id or reason");
        }
        int[] count = new int[1];
        return inbox.runOnce(CONSUMER, envelope.id(), () -> forUser(request.clientUserId(), request.reason(),
                        request.requestedBy(), envelope.id()).invoke(n -> count[0] = n))
                .map(ran -> count[0]);
    }

    /** API: remove every Item of a user. */
    @WithTransaction
    public Uni<Integer> requestForUser(String clientUserId, RemovalReason reason, String requestedBy, String requestId) {
        return forUser(clientUserId, reason, requestedBy, requestId);
    }

    /** API: remove one Item. @return false when the Item is unknown */
    @WithTransaction
    public Uni<Boolean> requestForItem(String itemId, RemovalReason reason, String requestedBy, String requestId) {
        return ItemEntity.<ItemEntity>findById(itemId, LockModeType.PESSIMISTIC_WRITE).chain(item -> item == null
                ? Uni.createFrom().item(false)
                : select(item, reason, requestedBy, requestId, Instant.now()).replaceWith(true));
    }

    private Uni<Integer> forUser(String clientUserId, RemovalReason reason, String requestedBy, String causeId) {
        Instant now = Instant.now();
        return ItemEntity.<ItemEntity>find("clientUserId = ?1 and removedAt is null", clientUserId)
                .withLock(LockModeType.PESSIMISTIC_WRITE).list()
                .chain(items -> selectAll(items, 0, reason, requestedBy, causeId, now, 0));
    }

    private Uni<Integer> selectAll(List<ItemEntity> items, int i, RemovalReason reason, String requestedBy, String causeId,
                                   Instant now, int selected) {
        if (i >= items.size()) {
            return Uni.createFrom().item(selected);
        }
        return select(items.get(i), reason, requestedBy, causeId, now)
                .chain(s -> selectAll(items, i + 1, reason, requestedBy, causeId, now, selected + (s ? 1 : 0)));
    }

    /**
     * Selects one Item (caller's transaction, Item locked). An Item already selected keeps its removal unless the new
     * reason is urgent and the old was not: then it is brought forward (same removal id, command re-emitted).
     */
    public Uni<Boolean> select(ItemEntity item, RemovalReason reason, String requestedBy, String causeId, Instant now) {
        if (item.removedAt != null) {
            return Uni.createFrom().item(false);
        }
        if (item.removalId != null && (Boolean.TRUE.equals(item.removalUrgent) || !reason.urgent())) {
            return Uni.createFrom().item(false);
        }
        if (item.removalId == null) {
            item.removalId = ItemLifecycle.derivedId(causeId, "removal/" + item.itemId);
            item.removalAttempts = 0;
        }
        item.removalReason = reason.name();
        item.removalUrgent = reason.urgent();
        item.removalRequestedAt = now;
        item.removalScheduledFor = timing.scheduleFor(reason, item.billedProducts(), now);
        item.removalNextAttemptAt = item.removalScheduledFor;
        LOG.infof("item_id=%s: selected for removal (%s, requested by %s), scheduled for %s", item.itemId, reason,
                requestedBy, item.removalScheduledFor);
        return lifecycle.append(EventTypes.CHURN_REMOVAL_REQUESTED, ItemLifecycle.derivedId(item.removalId, "requested/" + reason),
                        now, item.itemId, new ChurnRemovalRequested(item.removalId, item.itemId, item.clientUserId, reason,
                                reason.urgent(), item.removalScheduledFor, now))
                .replaceWith(true);
    }
}
