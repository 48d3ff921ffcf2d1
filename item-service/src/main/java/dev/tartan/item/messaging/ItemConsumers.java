package dev.tartan.item.messaging;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.item.churn.ActivityService;
import dev.tartan.item.reconcile.Reconciler;
import dev.tartan.item.registry.ItemRegistry;
import dev.tartan.item.relink.UpdateModeService;
import dev.tartan.item.removal.RemovalRequests;
import dev.tartan.item.state.WebhookService;
import dev.tartan.messaging.consumer.EventProcessing;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Every topic item-service consumes. Each method: parse the envelope (a record that is not one goes to the
 * channel's dead-letter topic), call one transactional service method (inbox inside), retry transient failures.
 */
@ApplicationScoped
public class ItemConsumers {

    public static final String WEBHOOKS = "item-webhooks";
    public static final String ITEMS_EVENTS = "items-events";
    public static final String LINK_SESSIONS = "link-sessions";
    public static final String USERS_ACTIVITY = "users-activity";
    public static final String CHURN_REMOVAL = "churn-removal-commands";

    private final WebhookService webhooks;
    private final ItemRegistry registry;
    private final UpdateModeService updateMode;
    private final ActivityService activity;
    private final RemovalRequests removals;
    private final Reconciler reconciler;

    public ItemConsumers(WebhookService webhooks, ItemRegistry registry, UpdateModeService updateMode,
                         ActivityService activity, RemovalRequests removals, Reconciler reconciler) {
        this.webhooks = webhooks;
        this.registry = registry;
        this.updateMode = updateMode;
        this.activity = activity;
        this.removals = removals;
        this.reconciler = reconciler;
    }

    @Incoming(WEBHOOKS)
    public Uni<Void> onItemWebhook(String value) {
        return parse(value)
                .chain(e -> EventProcessing.withTransientRetry("ITEM webhook " + e.id(), () -> webhooks.handle(e)))
                // a contradictory webhook is checked with /item/get now, after its transaction committed
                .call(r -> r.outcome() == WebhookService.Outcome.VERIFY ? reconciler.checkNow(r.itemId()) : Uni.createFrom().voidItem())
                .replaceWithVoid();
    }

    @Incoming(ITEMS_EVENTS)
    public Uni<Void> onItemsEvent(String value) {
        return parse(value)
                .chain(e -> !e.is(EventTypes.ITEM_LINKED) ? Uni.createFrom().voidItem() // our own events and others'
                        : EventProcessing.withTransientRetry("item.linked " + e.id(), () -> registry.onItemsEvent(e)).replaceWithVoid());
    }

    @Incoming(LINK_SESSIONS)
    public Uni<Void> onLinkSession(String value) {
        return parse(value)
                .chain(e -> EventProcessing.withTransientRetry("link session event " + e.id(), () -> updateMode.onLinkSessionEvent(e)))
                .call(itemId -> itemId == null ? Uni.createFrom().voidItem() : reconciler.checkNow(itemId))
                .replaceWithVoid();
    }

    @Incoming(USERS_ACTIVITY)
    public Uni<Void> onUserActivity(String value) {
        return parse(value)
                .chain(e -> EventProcessing.withTransientRetry("user activity " + e.id(), () -> activity.onActivityEvent(e)))
                .replaceWithVoid();
    }

    @Incoming(CHURN_REMOVAL)
    public Uni<Void> onChurnRemovalCommand(String value) {
        return parse(value)
                .chain(e -> !e.is(EventTypes.USER_ITEMS_REMOVAL_REQUESTED) ? Uni.createFrom().voidItem()
                        : EventProcessing.withTransientRetry("removal request " + e.id(), () -> removals.onChurnCommand(e)).replaceWithVoid());
    }

    private static Uni<EventEnvelope> parse(String value) {
        return Uni.createFrom().item(() -> EventEnvelope.fromJson(value));
    }
}
