package dev.tartan.item.registry;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import org.jboss.logging.Logger;

import dev.tartan.item.state.ItemStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Gauges of the registry for operators: {@code tartan_items{status}} (Items by status) and
 * {@code tartan_item_churn_removal_queue} (Items selected for removal and not yet removed at Plaid).
 *
 * <p>Counted by the database on a timer, not kept in memory: with several replicas each one only sees its own share
 * of the traffic, while the table is the truth. Every replica exports the same figures, so dashboards take
 * {@code max}, not {@code sum}. The status count is one sequential scan (about a second per 10 million Items on
 * these machines); the queue count reads the small removal index. The interval is
 * {@code tartan.item.gauges.refresh-interval}.
 */
@ApplicationScoped
@Startup // its meters exist (at zero) from start-up, not from first use
public class RegistryGauges {

    private static final Logger LOG = Logger.getLogger(RegistryGauges.class);

    private final Map<ItemStatus, AtomicLong> byStatus = new EnumMap<>(ItemStatus.class);
    private final AtomicLong removalQueue = new AtomicLong();

    public RegistryGauges(MeterRegistry registry) {
        for (ItemStatus status : ItemStatus.values()) {
            AtomicLong value = new AtomicLong();
            byStatus.put(status, value);
            Gauge.builder("tartan_items", value, AtomicLong::get).tag("status", status.name())
                    .description("Items in the registry by status (refreshed from the database)").register(registry);
        }
        Gauge.builder("tartan_item_churn_removal_queue", removalQueue, AtomicLong::get)
                .description("Items selected for removal (churn or request) not yet removed at Plaid").register(registry);
    }

    @Scheduled(identity = "registry-gauges", every = "${tartan.item.gauges.refresh-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().onFailure().invoke(e -> LOG.warnf("registry gauges not refreshed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** Counts again; statuses with no Item go to zero. */
    @WithSession
    public Uni<Void> refresh() {
        return Panache.getSession()
                .chain(s -> s.createNativeQuery("SELECT status, count(*) FROM item GROUP BY status", Object[].class)
                        .getResultList())
                .invoke(this::applyStatusCounts)
                .chain(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "SELECT count(*) FROM item WHERE removal_id IS NOT NULL AND removed_at IS NULL", Long.class)
                        .getSingleResult()))
                .invoke(n -> removalQueue.set(n))
                .replaceWithVoid();
    }

    private void applyStatusCounts(List<Object[]> rows) {
        Map<ItemStatus, Long> counted = new EnumMap<>(ItemStatus.class);
        for (Object[] row : rows) {
            try {
                counted.put(ItemStatus.valueOf((String) row[0]), ((Number) row[1]).longValue());
            } catch (IllegalArgumentException unknownStatus) {
                LOG.warnf("status %s in the registry is not an ItemStatus", row[0]);
            }
        }
        byStatus.forEach((status, value) -> value.set(counted.getOrDefault(status, 0L)));
    }

    public long items(ItemStatus status) {
        return byStatus.get(status).get();
    }

    public long removalQueue() {
        return removalQueue.get();
    }
}
