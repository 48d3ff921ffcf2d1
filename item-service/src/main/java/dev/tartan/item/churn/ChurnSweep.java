package dev.tartan.item.churn;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.churn.ChurnRemovalRequested;
import dev.tartan.item.ItemConfig;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.item.removal.RemovalRequests;
import dev.tartan.item.removal.RemovalTiming;
import dev.tartan.item.state.ItemLifecycle;
import dev.tartan.messaging.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The churn policy: selects Items by each rule (one partial-index range each, batch by batch, set-based),
 * marks them for removal and writes one {@code churn.removal-requested} per Item, all in one transaction per
 * batch. Cost grows with the Items selected, not with the registry (measured in docs/performance.md).
 */
@ApplicationScoped
@Startup // its meters exist (at zero) from start-up, not from first use
public class ChurnSweep {

    private static final Logger LOG = Logger.getLogger(ChurnSweep.class);

    private final ItemConfig config;
    private final Outbox outbox;
    private final RemovalTiming timing;
    private final MeterRegistry registry;

    public ChurnSweep(ItemConfig config, Outbox outbox, MeterRegistry registry) {
        this.config = config;
        this.outbox = outbox;
        this.timing = RemovalRequests.timing(config);
        this.registry = registry;
        // registered at zero so dashboards and rate() see the series before the first selection
        for (ChurnRule rule : ChurnRule.values()) {
            registry.counter("tartan_item_churn_selected_total", "rule", rule.name());
        }
    }

    @Scheduled(identity = "churn-sweep", every = "${tartan.item.churn.sweep-interval}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        if (!config.churn().enabled()) {
            return Uni.createFrom().voidItem();
        }
        return sweep(Instant.now()).invoke(r -> {
            if (r.values().stream().mapToInt(Integer::intValue).sum() > 0) {
                LOG.infof("churn sweep selected %s", r);
            }
        }).replaceWithVoid();
    }

    /** Runs every rule to exhaustion; returns how many Items each rule selected. */
    public Uni<Map<ChurnRule, Integer>> sweep(Instant now) {
        Map<ChurnRule, Integer> selected = new EnumMap<>(ChurnRule.class);
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (ChurnRule rule : ChurnRule.values()) {
            chain = chain.chain(() -> sweepRule(rule, now, 0).invoke(n -> selected.put(rule, n))).replaceWithVoid();
        }
        return chain.map(v -> selected);
    }

    private Uni<Integer> sweepRule(ChurnRule rule, Instant now, int total) {
        return batch(rule, now).chain(n -> {
            registry.counter("tartan_item_churn_selected_total", "rule", rule.name()).increment(n);
            return n < config.churn().batchSize() ? Uni.createFrom().item(total + n) : sweepRule(rule, now, total + n);
        });
    }

    @WithTransaction
    Uni<Integer> batch(ChurnRule rule, Instant now) {
        Object threshold = switch (rule) {
            case UNRESOLVED_ERROR -> now.minus(config.churn().unresolvedError());
            case UNANSWERED_REMINDERS -> config.churn().unansweredReminders();
            case INACTIVITY -> now.minus(config.churn().inactivity());
        };
        return Panache.getSession().chain(session -> session.createNativeQuery(rule.selectSql(), Object[].class)
                        .setParameter(1, threshold)
                        .setParameter(2, config.churn().batchSize())
                        .getResultList())
                .chain(rows -> rows.isEmpty() ? Uni.createFrom().item(0) : mark(rule, rows, now));
    }

    private Uni<Integer> mark(ChurnRule rule, List<Object[]> rows, Instant now) {
        String sweepId = "churn/" + rule + "/" + now.toEpochMilli();
        List<Map<String, Object>> updates = new ArrayList<>(rows.size());
        List<EventEnvelope> commands = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            String itemId = (String) row[0];
            String userId = (String) row[1];
            List<String> billed = ItemEntity.readStrings((String) row[2]);
            String removalId = ItemLifecycle.derivedId(sweepId, itemId);
            Instant scheduledFor = timing.scheduleFor(rule.reason(), billed, now);
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("item_id", itemId);
            u.put("removal_id", removalId);
            u.put("scheduled_for", scheduledFor.toString());
            updates.add(u);
            commands.add(EventEnvelope.wrap(EventTypes.CHURN_REMOVAL_REQUESTED, ItemLifecycle.derivedId(removalId, "requested/" + rule.reason()),
                    outbox.source(), now, itemId,
                    new ChurnRemovalRequested(removalId, itemId, userId, rule.reason(), false, scheduledFor, now)));
        }
        return Panache.getSession().chain(session -> session.createNativeQuery(
                                "UPDATE item i SET removal_id = u.removal_id, removal_reason = ?2, removal_urgent = false, "
                                        + "removal_requested_at = ?3, removal_scheduled_for = u.scheduled_for, "
                                        + "removal_next_attempt_at = u.scheduled_for, removal_attempts = 0, version = i.version + 1 "
                                        + "FROM jsonb_to_recordset(CAST(CAST(?1 AS text) AS jsonb)) AS u(item_id text, removal_id text, scheduled_for timestamptz) "
                                        + "WHERE i.item_id = u.item_id")
                        .setParameter(1, ItemEntity.write(updates))
                        .setParameter(2, rule.reason().name())
                        .setParameter(3, now)
                        .executeUpdate())
                .chain(() -> outbox.appendAll(commands.stream()
                        .map(c -> new Outbox.Pending(EventTypes.CHURN_REMOVAL_REQUESTED.topic(), ItemLifecycle.AGGREGATE, c)).toList()))
                .replaceWith(rows.size());
    }

    /** For the benchmark and operators: how long one full sweep took. */
    public static String describe(Map<ChurnRule, Integer> r, Duration took) {
        return r + " in " + took.toMillis() + " ms";
    }
}
