package dev.tartan.item.state;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventType;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.item.ItemAccountsChanged;
import dev.tartan.contracts.item.ItemStatusChanged;
import dev.tartan.contracts.relink.RelinkRequested;
import dev.tartan.contracts.relink.RelinkReminder;
import dev.tartan.contracts.relink.RelinkResolved;
import dev.tartan.item.ItemConfig;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.messaging.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies a signal to a managed {@link ItemEntity} inside the caller's transaction: runs the state machine,
 * writes the new state back and appends every effect to the outbox. Ids of episodes and events are derived
 * from the cause (the consumed event id), so a retried transaction can never emit twice.
 */
@ApplicationScoped
public class ItemLifecycle {

    private static final Logger LOG = Logger.getLogger(ItemLifecycle.class);
    public static final String AGGREGATE = "item";

    private final ItemConfig config;
    private final Outbox outbox;
    private final MeterRegistry registry;
    private final ItemStateMachine.Policy policy;

    public ItemLifecycle(ItemConfig config, Outbox outbox, MeterRegistry registry) {
        this.config = config;
        this.outbox = outbox;
        this.registry = registry;
        this.policy = new ItemStateMachine.Policy(config.relink().reminderIntervals(),
                config.relink().loginFixableErrorCodes(), config.webhooks().contradictionWindow());
    }

    public ItemStateMachine machine(String causeId) {
        AtomicInteger n = new AtomicInteger();
        return new ItemStateMachine(policy, () -> derivedId(causeId, "relink-" + n.incrementAndGet()));
    }

    /** Applies the signal; a transition that needs verification only marks the Item for an immediate {@code /item/get}. */
    public Uni<Transition> apply(ItemEntity item, Signal signal, String causeId, Instant now) {
        return apply(item, signal, causeId, now, null);
    }

    /** As {@link #apply(ItemEntity, Signal, String, Instant)}; events go to {@code batch} when given (written by its owner). */
    public Uni<Transition> apply(ItemEntity item, Signal signal, String causeId, Instant now, Outbox.Batch batch) {
        Transition t = machine(causeId).apply(item.toState(), signal);
        if (t.needsVerification()) {
            LOG.infof("item_id=%s: %s; checking with /item/get before applying", item.itemId, t.verifyReason());
            registry.counter("tartan_item_transitions_verified_total", "cause", signal.cause()).increment();
            item.reconcileDueAt = now;
            item.reconcileReason = t.verifyReason();
            return Uni.createFrom().item(t);
        }
        return commit(item, t, causeId, now, batch);
    }

    /** Writes a computed transition and its effects. */
    public Uni<Transition> commit(ItemEntity item, Transition t, String causeId, Instant now) {
        return commit(item, t, causeId, now, null);
    }

    private Uni<Transition> commit(ItemEntity item, Transition t, String causeId, Instant now, Outbox.Batch batch) {
        ItemStatus before = item.itemStatus();
        item.apply(t.next());
        if (before != t.next().status() && t.next().status().broken()) {
            // Plaid stops retrying webhooks after 24 h: a broken Item is checked periodically
            item.reconcileDueAt = earliest(item.reconcileDueAt, now.plus(config.reconcile().brokenItemInterval()));
        }
        for (Effect e : t.effects()) {
            if (e instanceof Effect.StatusChanged sc) {
                registry.counter("tartan_item_status_changes_total", "to", sc.status().name()).increment();
                LOG.infof("item_id=%s: %s -> %s (%s)", item.itemId, sc.previous(), sc.status(), sc.cause());
            }
        }
        return emit(item, t.effects(), causeId, now, batch).replaceWith(t);
    }

    public Uni<Void> emit(ItemEntity item, List<Effect> effects, String causeId, Instant now) {
        return emit(item, effects, causeId, now, null);
    }

    private Uni<Void> emit(ItemEntity item, List<Effect> effects, String causeId, Instant now, Outbox.Batch batch) {
        if (batch != null) {
            for (int i = 0; i < effects.size(); i++) {
                Outbox.Pending p = pending(item, effects.get(i), derivedId(causeId, "effect-" + i), now);
                batch.add(p.topic(), p.aggregateType(), p.envelope());
            }
            return Uni.createFrom().voidItem();
        }
        Uni<?> chain = Uni.createFrom().voidItem();
        for (int i = 0; i < effects.size(); i++) {
            Effect effect = effects.get(i);
            String id = derivedId(causeId, "effect-" + i);
            chain = chain.chain(() -> {
                Outbox.Pending p = pending(item, effect, id, now);
                return outbox.append(p.topic(), p.aggregateType(), p.envelope());
            });
        }
        return chain.replaceWithVoid();
    }

    private Outbox.Pending pending(ItemEntity item, Effect effect, String id, Instant now) {
        return switch (effect) {
            case Effect.StatusChanged sc -> pending(EventTypes.ITEM_STATUS_CHANGED, id, now, item.itemId,
                    new ItemStatusChanged(item.itemId, item.clientUserId, sc.previous().name(), sc.status().name(),
                            sc.error() == null ? null : sc.error().toContract(), sc.cause(), now));
            case Effect.RelinkRequested rr -> pending(EventTypes.RELINK_REQUESTED, id, now, item.itemId,
                    new RelinkRequested(rr.episode().id(), item.itemId, item.clientUserId, item.institution(),
                            rr.episode().mode(), rr.episode().reason(), rr.episode().errorCode(), rr.episode().deadline(),
                            null, now));
            case Effect.RelinkReminder r -> pending(EventTypes.RELINK_REMINDER, id, now, item.itemId,
                    new RelinkReminder(r.episode().id(), item.itemId, item.clientUserId, r.episode().mode(),
                            r.episode().reason(), r.episode().remindersSent(), r.episode().requestedAt(), now));
            case Effect.RelinkResolved r -> pending(EventTypes.RELINK_RESOLVED, id, now, item.itemId,
                    new RelinkResolved(r.relinkId(), item.itemId, item.clientUserId, r.resolvedBy(), now));
            case Effect.AccountsRevoked ar -> pending(EventTypes.ITEM_ACCOUNTS_CHANGED, id, now, item.itemId,
                    new ItemAccountsChanged(item.itemId, item.clientUserId, List.of(), ar.accountIds(), ar.cause(), now));
        };
    }

    public <T> Uni<EventEnvelope> append(EventType<T> type, String id, Instant now, String subject, T payload) {
        Outbox.Pending p = pending(type, id, now, subject, payload);
        return outbox.append(p.topic(), p.aggregateType(), p.envelope());
    }

    private <T> Outbox.Pending pending(EventType<T> type, String id, Instant now, String subject, T payload) {
        return new Outbox.Pending(type.topic(), AGGREGATE, EventEnvelope.wrap(type, id, outbox.source(), now, subject, payload));
    }

    /** A stable id derived from the cause: the same cause always yields the same ids. */
    public static String derivedId(String causeId, String what) {
        return UUID.nameUUIDFromBytes((causeId + "/" + what).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
