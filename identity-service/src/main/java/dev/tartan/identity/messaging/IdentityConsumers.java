package dev.tartan.identity.messaging;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.identity.verification.IdentityService;
import dev.tartan.messaging.consumer.EventProcessing;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** The three inputs of identity-service: unwrap, then one service call each (inbox and retry inside). */
@ApplicationScoped
public class IdentityConsumers {

    public static final String ITEMS = "items-events";
    public static final String IDENTITY_WEBHOOKS = "identity-webhooks";
    public static final String AUTH_WEBHOOKS = "auth-webhooks";

    private final IdentityService service;

    public IdentityConsumers(IdentityService service) {
        this.service = service;
    }

    @Incoming(ITEMS)
    public Uni<Void> itemsEvent(String record) {
        EventEnvelope env = EventEnvelope.fromJson(record);
        return EventProcessing.withTransientRetry("item event " + env.id(), () -> service.onItemsEvent(env));
    }

    @Incoming(IDENTITY_WEBHOOKS)
    public Uni<Void> identityWebhook(String record) {
        EventEnvelope env = EventEnvelope.fromJson(record);
        return EventProcessing.withTransientRetry("identity webhook " + env.id(), () -> service.onWebhook(env));
    }

    @Incoming(AUTH_WEBHOOKS)
    public Uni<Void> authWebhook(String record) {
        EventEnvelope env = EventEnvelope.fromJson(record);
        return EventProcessing.withTransientRetry("auth webhook " + env.id(), () -> service.onWebhook(env));
    }
}
