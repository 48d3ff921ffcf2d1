package dev.tartan.beacon.messaging;

import dev.tartan.beacon.insights.InsightsService;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.messaging.consumer.EventProcessing;
import dev.tartan.messaging.consumer.PermanentEventFailure;
import dev.tartan.plaid.gateway.PlaidApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code item.linked} from {@code tartan.items.events}; other Item events are not this service's business. */
@ApplicationScoped
public class ItemEventsConsumer {

    public static final String CHANNEL = "item-events";
    public static final String GROUP = "beacon-service";

    private final InsightsService insights;

    public ItemEventsConsumer(InsightsService insights) {
        this.insights = insights;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String value) {
        EventEnvelope env = EventEnvelope.fromJson(value);
        if (!env.is(EventTypes.ITEM_LINKED)) {
            return Uni.createFrom().voidItem();
        }
        var item = env.dataAs(EventTypes.ITEM_LINKED);
        return EventProcessing.withTransientRetry("item.linked " + env.id(), 
                () -> insights.onItemLinked(GROUP + ":items", env.id(), item).onFailure(PlaidApiException.class)
                        .transform(e -> ((PlaidApiException) e).isRetryable() ? e
                                : new PermanentEventFailure("Plaid refused the Beacon association of item " + item.itemId() + ": " + e.getMessage(), e)));
    }
}
