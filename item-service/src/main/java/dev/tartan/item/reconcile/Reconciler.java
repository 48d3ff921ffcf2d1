package dev.tartan.item.reconcile;

import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.item.ItemRemoved;
import dev.tartan.item.ItemConfig;
import dev.tartan.item.plaid.PlaidItems;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.item.state.ItemLifecycle;
import dev.tartan.item.state.Signal;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Asks {@code /item/get} about Items that are due: stale ones (nothing heard for
 * {@code tartan.item.reconcile.stale-after}), broken ones (every {@code broken-item-interval}, because Plaid stops
 * retrying a webhook after 24 h) and suspicious ones (a webhook contradicted what was known: due at once).
 * The answer is applied through the state machine ({@link Signal.Reconciled}): an error appeared or cleared,
 * consent expiry, billed products. {@code ITEM_NOT_FOUND} means the Item was removed outside Tartan.
 * Claims are leases, the call runs with no transaction open, and the gateway's limiter keeps Plaid's limits.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    static final int CONCURRENCY = 8;
    static final Duration LEASE = Duration.ofMinutes(2);
    static final Duration RETRY_AFTER_FAILURE = Duration.ofMinutes(5);

    record Claim(String itemId, SealedToken token) {
    }

    private final ItemConfig config;
    private final PlaidItems plaid;
    private final ItemLifecycle lifecycle;
    private final MeterRegistry registry;

    public Reconciler(ItemConfig config, PlaidItems plaid, ItemLifecycle lifecycle, MeterRegistry registry) {
        this.config = config;
        this.plaid = plaid;
        this.lifecycle = lifecycle;
        this.registry = registry;
    }

    @Scheduled(identity = "reconciliation", every = "${tartan.item.reconcile.sweep-interval}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return config.reconcile().enabled() ? runOnce(Instant.now()).replaceWithVoid() : Uni.createFrom().voidItem();
    }

    public Uni<Integer> runOnce(Instant now) {
        return claim(now).chain(claims -> Multi.createFrom().iterable(claims)
                .onItem().transformToUni(this::reconcile).merge(CONCURRENCY)
                .collect().asList().replaceWith(claims.size()));
    }

    /** Checks one Item now (after a contradictory webhook); failures leave it due for the next run. */
    public Uni<Void> checkNow(String itemId) {
        return load(itemId).chain(c -> c == null ? Uni.createFrom().voidItem() : reconcile(c));
    }

    @WithSession
    Uni<Claim> load(String itemId) {
        return ItemEntity.<ItemEntity>findById(itemId).map(i -> i == null || i.removedAt != null || i.token() == null
                ? null : new Claim(i.itemId, i.token()));
    }

    @WithTransaction
    Uni<List<Claim>> claim(Instant now) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                                "SELECT item_id, token_key_id, token_ciphertext FROM item WHERE removal_id IS NULL AND reconcile_due_at <= ?1 "
                                        + "AND token_key_id IS NOT NULL ORDER BY reconcile_due_at LIMIT ?2 FOR UPDATE SKIP LOCKED", Object[].class)
                        .setParameter(1, now).setParameter(2, config.reconcile().batchSize()).getResultList()
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(List.<Claim>of());
                    }
                    List<String> ids = rows.stream().map(r -> (String) r[0]).toList();
                    return s.createNativeQuery("UPDATE item SET reconcile_due_at = ?1, version = version + 1 WHERE item_id IN (?2)")
                            .setParameter(1, now.plus(LEASE)).setParameter(2, ids).executeUpdate()
                            .replaceWith(rows.stream().map(r -> new Claim((String) r[0], new SealedToken((String) r[1], (String) r[2]))).toList());
                }));
    }

    private Uni<Void> reconcile(Claim c) {
        return plaid.getItem(c.itemId(), c.token())
                .chain(snapshot -> apply(c.itemId(), snapshot))
                .onFailure(PlaidItems.ItemNotFoundAtPlaid.class).recoverWithUni(e -> goneAtPlaid(c.itemId(), ((PlaidItems.ItemNotFoundAtPlaid) e).requestId()))
                .onFailure().recoverWithUni(e -> {
                    registry.counter("tartan_item_reconciliations_total", "outcome", "FAILED").increment();
                    LOG.warnf("item_id=%s: reconciliation failed, next try in %s: %s", c.itemId(), RETRY_AFTER_FAILURE, e.toString());
                    return Uni.createFrom().voidItem(); // the lease expires and the Item is due again
                });
    }

    @WithTransaction
    Uni<Void> apply(String itemId, PlaidItems.ItemSnapshot snapshot) {
        registry.counter("tartan_item_reconciliations_total", "outcome", "APPLIED").increment();
        return ItemEntity.<ItemEntity>findById(itemId, LockModeType.PESSIMISTIC_WRITE).chain(item -> {
            if (item == null || item.removalId != null) {
                return Uni.createFrom().voidItem();
            }
            Instant now = Instant.now();
            String causeId = "reconcile/" + itemId + "/" + now.toEpochMilli();
            return lifecycle.apply(item, new Signal.Reconciled(snapshot.error(), snapshot.consentExpiresAt(), now), causeId, now)
                    .invoke(t -> {
                        if (!snapshot.billedProducts().isEmpty()) {
                            item.billedProductsJson = ItemEntity.write(snapshot.billedProducts());
                        }
                        item.lastReconciledAt = now;
                        item.reconcileReason = null;
                        item.reconcileDueAt = now.plus(item.itemStatus().broken()
                                ? config.reconcile().brokenItemInterval() : config.reconcile().staleAfter());
                    });
        }).replaceWithVoid();
    }

    /** Plaid no longer knows the Item (removed via my.plaid.com or support): keep it as removed. */
    @WithTransaction
    Uni<Void> goneAtPlaid(String itemId, String requestId) {
        return ItemEntity.<ItemEntity>findById(itemId, LockModeType.PESSIMISTIC_WRITE).chain(item -> {
            if (item == null || item.removedAt != null) {
                return Uni.createFrom().voidItem();
            }
            Instant now = Instant.now();
            String causeId = "gone/" + itemId;
            return lifecycle.apply(item, new Signal.Removed(now), causeId, now).chain(t -> {
                LOG.warnf("item_id=%s request_id=%s: ITEM_NOT_FOUND at reconciliation; kept as removed", itemId, requestId);
                item.removedAt = now;
                item.removalId = ItemLifecycle.derivedId(causeId, "removal");
                item.removalReason = "REMOVED_AT_PLAID";
                item.removalRequestedAt = now;
                item.removalRequestId = requestId;
                item.tokenKeyId = null;
                item.tokenCiphertext = null;
                item.reconcileDueAt = null;
                return lifecycle.append(EventTypes.ITEM_REMOVED, ItemLifecycle.derivedId(causeId, "item.removed"), now, itemId,
                        new ItemRemoved(itemId, item.clientUserId, "REMOVED_AT_PLAID", null, now));
            });
        }).replaceWithVoid();
    }
}
