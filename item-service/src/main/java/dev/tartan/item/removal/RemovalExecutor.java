package dev.tartan.item.removal;

import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.churn.RemovalReason;
import dev.tartan.contracts.item.ItemRemoved;
import dev.tartan.item.ItemConfig;
import dev.tartan.item.plaid.PlaidItems;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.item.state.ItemLifecycle;
import dev.tartan.item.state.Signal;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Carries out removals that are due: claims them (a lease, so a crashed instance's claims come back), calls
 * {@code /item/remove} through the gateway (its rate limiter keeps Plaid's limits) with no transaction open,
 * then records the outcome in a short transaction. {@code ITEM_NOT_FOUND} counts as removed. A failure
 * is retried with back-off, forever: a removal is never dropped. A removed Item is never removed again
 * ({@code removed_at} is set in the same transaction as {@code item.removed}).
 */
@ApplicationScoped
@Startup // its meters exist (at zero) from start-up, not from first use
public class RemovalExecutor {

    private static final Logger LOG = Logger.getLogger(RemovalExecutor.class);
    /** Concurrent /item/remove calls in flight; the gateway's limiter sets the rate. */
    static final int CONCURRENCY = 8;

    /** A claimed removal. */
    public record Claim(String itemId, String clientUserId, String removalId, RemovalReason reason, SealedToken token, int attempt) {
    }

    private final ItemConfig config;
    private final PlaidItems plaid;
    private final ItemLifecycle lifecycle;
    private final MeterRegistry registry;

    public RemovalExecutor(ItemConfig config, PlaidItems plaid, ItemLifecycle lifecycle, MeterRegistry registry) {
        this.config = config;
        this.plaid = plaid;
        this.lifecycle = lifecycle;
        this.registry = registry;
        // registered at zero so dashboards and rate() see the series before the first removal
        for (RemovalReason reason : RemovalReason.values()) {
            for (String outcome : new String[] {"REMOVED", "ITEM_NOT_FOUND", "FAILED"}) {
                registry.counter("tartan_item_removals_total", "outcome", outcome, "reason", reason.name());
            }
        }
    }

    @Scheduled(identity = "removal-executor", every = "${tartan.item.removal.sweep-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return runOnce(Instant.now()).replaceWithVoid();
    }

    /** Claims and executes one batch of due removals; returns how many were claimed. */
    public Uni<Integer> runOnce(Instant now) {
        return claim(now).chain(claims -> Multi.createFrom().iterable(claims)
                .onItem().transformToUni(this::execute).merge(CONCURRENCY)
                .collect().asList().replaceWith(claims.size()));
    }

    @WithTransaction
    Uni<List<Claim>> claim(Instant now) {
        Instant lease = now.plus(config.removal().claimTimeout());
        return Panache.getSession().chain(s -> s.createNativeQuery(
                                "SELECT item_id, client_user_id, removal_id, removal_reason, token_key_id, token_ciphertext, removal_attempts "
                                        + "FROM item WHERE removal_id IS NOT NULL AND removed_at IS NULL AND removal_next_attempt_at <= ?1 "
                                        + "ORDER BY removal_next_attempt_at LIMIT ?2 FOR UPDATE SKIP LOCKED", Object[].class)
                        .setParameter(1, now).setParameter(2, config.removal().batchSize()).getResultList()
                .chain(rows -> {
                    if (rows.isEmpty()) {
                        return Uni.createFrom().item(List.<Claim>of());
                    }
                    List<String> ids = rows.stream().map(r -> (String) r[0]).toList();
                    List<Claim> claims = rows.stream().map(r -> new Claim((String) r[0], (String) r[1], (String) r[2],
                            RemovalReason.valueOf((String) r[3]),
                            r[4] == null ? null : new SealedToken((String) r[4], (String) r[5]),
                            ((Number) r[6]).intValue() + 1)).toList();
                    return s.createNativeQuery("UPDATE item SET removal_next_attempt_at = ?1, removal_attempts = removal_attempts + 1, "
                                    + "version = version + 1 WHERE item_id IN (?2)")
                            .setParameter(1, lease).setParameter(2, ids).executeUpdate().replaceWith(claims);
                }));
    }

    private Uni<Void> execute(Claim c) {
        Uni<String> call = c.token() == null ? Uni.createFrom().item((String) null)
                : plaid.removeItem(c.itemId(), c.token(), c.reason().plaidReasonCode());
        return call
                .chain(requestId -> removed(c, requestId, "REMOVED"))
                .onFailure(PlaidItems.ItemNotFoundAtPlaid.class)
                .recoverWithUni(e -> removed(c, ((PlaidItems.ItemNotFoundAtPlaid) e).requestId(), "ITEM_NOT_FOUND"))
                .onFailure().recoverWithUni(e -> failed(c, e));
    }

    @WithTransaction
    Uni<Void> removed(Claim c, String requestId, String outcome) {
        registry.counter("tartan_item_removals_total", "outcome", outcome, "reason", c.reason().name()).increment();
        return ItemEntity.<ItemEntity>findById(c.itemId(), LockModeType.PESSIMISTIC_WRITE).chain(item -> {
            if (item == null || item.removedAt != null) {
                return Uni.createFrom().voidItem();
            }
            Instant now = Instant.now();
            String causeId = c.removalId() + "/removed";
            return lifecycle.apply(item, new Signal.Removed(now), causeId, now).chain(t -> {
                item.removedAt = now;
                item.removalId = item.removalId != null ? item.removalId : c.removalId();
                item.removalReason = item.removalReason != null ? item.removalReason : c.reason().name();
                item.removalRequestId = requestId;
                item.removalLastError = null;
                item.tokenKeyId = null;
                item.tokenCiphertext = null;
                item.reconcileDueAt = null;
                LOG.infof("item_id=%s request_id=%s: removed (%s, %s, attempt %d); access token deleted", item.itemId,
                        requestId, c.reason(), outcome, c.attempt());
                return lifecycle.append(EventTypes.ITEM_REMOVED, ItemLifecycle.derivedId(causeId, "item.removed"), now, item.itemId,
                        new ItemRemoved(item.itemId, item.clientUserId, c.reason().name(), c.reason().plaidReasonCode(), now));
            });
        }).replaceWithVoid();
    }

    @WithTransaction
    Uni<Void> failed(Claim c, Throwable e) {
        registry.counter("tartan_item_removals_total", "outcome", "FAILED", "reason", c.reason().name()).increment();
        Duration delay = backoff(c.attempt());
        LOG.warnf("item_id=%s: /item/remove failed (attempt %d), retrying in %s: %s", c.itemId(), c.attempt(), delay, e.toString());
        return Panache.getSession().chain(s -> s.createNativeQuery("UPDATE item SET removal_next_attempt_at = ?2, removal_last_error = ?3, "
                                + "version = version + 1 WHERE item_id = ?1 AND removed_at IS NULL")
                        .setParameter(1, c.itemId()).setParameter(2, Instant.now().plus(delay))
                        .setParameter(3, truncate(e.toString())).executeUpdate())
                .replaceWithVoid();
    }

    Duration backoff(int attempt) {
        Duration d = config.removal().retryDelay();
        for (int i = 1; i < attempt && d.compareTo(config.removal().maxRetryDelay()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(config.removal().maxRetryDelay()) > 0 ? config.removal().maxRetryDelay() : d;
    }

    private static String truncate(String s) {
        return s.length() > 500 ? s.substring(0, 500) : s;
    }
}
