package dev.tartan.item.messaging;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventHeaders;
import dev.tartan.contracts.EventTypes;
import dev.tartan.item.churn.ActivityService;
import dev.tartan.item.reconcile.Reconciler;
import dev.tartan.item.registry.ItemRegistry;
import dev.tartan.item.relink.UpdateModeService;
import dev.tartan.item.removal.RemovalRequests;
import dev.tartan.item.state.WebhookService;
import dev.tartan.messaging.consumer.EventProcessing;
import dev.tartan.messaging.outbox.Outbox;
import io.opentelemetry.api.trace.Span;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every topic item-service consumes. Each method: parse the envelope (a record that is not one goes to the
 * channel's dead-letter topic), call one transactional service method (inbox inside), retry transient failures.
 */
@ApplicationScoped
public class ItemConsumers {

    private static final Logger LOG = Logger.getLogger(ItemConsumers.class);

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

    /**
     * ITEM webhooks arrive in batches (one Kafka poll, {@code batch=true}) and are applied in one transaction
     * ({@link WebhookService#handleBatch}): a transaction per record capped this consumer at a few hundred webhooks
     * a second. A record that does not parse goes to the dead-letter topic on its own; if the batch fails for a
     * permanent reason, its records are applied one by one so that only the culprit is dead-lettered.
     */
    @Incoming(WEBHOOKS)
    public Uni<Void> onItemWebhooks(KafkaRecordBatch<String, String> batch) {
        List<KafkaRecord<String, String>> records = batch.getRecords();
        List<WebhookService.Incoming> parsed = new ArrayList<>(records.size());
        List<KafkaRecord<String, String>> parsedRecords = new ArrayList<>(records.size());
        Map<KafkaRecord<String, String>, Throwable> poison = new LinkedHashMap<>();
        for (KafkaRecord<String, String> r : records) {
            try {
                parsed.add(WebhookService.Incoming.of(EventEnvelope.fromJson(r.getPayload()), traceparent(r)));
                parsedRecords.add(r);
            } catch (RuntimeException e) {
                poison.put(r, e);
            }
        }
        Uni<Void> applied = EventProcessing.withTransientRetry("batch of " + parsed.size() + " ITEM webhooks",
                        () -> webhooks.handleBatch(parsed))
                .call(this::verifyContradicted)
                .replaceWithVoid()
                .onFailure(EventProcessing::isPermanent).recoverWithUni(e -> {
                    LOG.warnf("a batch of %d ITEM webhooks failed permanently (%s); applying them one by one", parsed.size(), e.toString());
                    return oneByOne(parsedRecords, parsed, poison);
                });
        return applied
                .chain(() -> Multi.createFrom().iterable(poison.entrySet())
                        .onItem().transformToUniAndConcatenate(p -> Uni.createFrom().completionStage(p.getKey().nack(p.getValue())))
                        .collect().last())
                .chain(() -> Uni.createFrom().completionStage(batch.ack()))
                // still failing once the transient budget is spent: the same as a record's failure on the other
                // channels, the records go to the dead-letter topic with the reason (replayable: docs/runbooks)
                .onFailure().recoverWithUni(e -> {
                    LOG.errorf("a batch of %d ITEM webhooks could not be applied: %s", records.size(), e.toString());
                    return Uni.createFrom().completionStage(batch.nack(e));
                });
    }

    /**
     * The trace context a batched record's effects continue: SmallRye's consumer span for the record (its parent is
     * the record's {@code traceparent} header) when tracing is on, else the header itself, so the trace id survives
     * even with the SDK off. In a batch no span is current per record, hence this instead of the current span.
     */
    static String traceparent(KafkaRecord<String, String> r) {
        String consumerSpan = TracingMetadata.fromMessage(r)
                .map(TracingMetadata::getCurrentContext)
                .map(ctx -> Outbox.traceparent(Span.fromContext(ctx).getSpanContext()))
                .orElse(null);
        if (consumerSpan != null) {
            return consumerSpan;
        }
        Header h = r.getHeaders() == null ? null : r.getHeaders().lastHeader(EventHeaders.TRACEPARENT);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The fallback after a permanent batch failure: each record in its own transaction; failures join the poison. */
    private Uni<Void> oneByOne(List<KafkaRecord<String, String>> records, List<WebhookService.Incoming> parsed,
                               Map<KafkaRecord<String, String>, Throwable> poison) {
        return Multi.createFrom().range(0, parsed.size())
                .onItem().transformToUniAndConcatenate(i -> EventProcessing.withTransientRetry(
                                "ITEM webhook " + parsed.get(i).envelope().id(), () -> webhooks.handle(parsed.get(i).envelope()))
                        .call(r -> verifyContradicted(List.of(r)))
                        .replaceWithVoid()
                        .onFailure().recoverWithItem(e -> {
                            poison.put(records.get(i), e);
                            return null;
                        }))
                .collect().last()
                .replaceWithVoid();
    }

    /** A contradictory webhook is checked with /item/get now, after its transaction committed. */
    private Uni<Void> verifyContradicted(List<WebhookService.Result> results) {
        return Multi.createFrom().iterable(results)
                .select().where(r -> r.outcome() == WebhookService.Outcome.VERIFY)
                .onItem().transformToUniAndConcatenate(r -> reconciler.checkNow(r.itemId()))
                .collect().last()
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
