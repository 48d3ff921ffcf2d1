package dev.tartan.link.messaging;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.link.analytics.LinkWebhookService;
import dev.tartan.messaging.consumer.EventProcessing;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code plaid.webhooks.link}: LINK webhooks as verified by webhook-ingest. */
@ApplicationScoped
public class LinkWebhookConsumer {

    public static final String CHANNEL = "link-webhooks";

    private final LinkWebhookService service;

    public LinkWebhookConsumer(LinkWebhookService service) {
        this.service = service;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String value) {
        EventEnvelope envelope = EventEnvelope.fromJson(value);
        return EventProcessing.withTransientRetry("LINK webhook " + envelope.id(), () -> service.handle(envelope));
    }
}
