package dev.tartan.link.messaging;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.link.relink.RelinkService;
import dev.tartan.messaging.consumer.EventProcessing;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** {@code tartan.commands.relink}: relink.requested / reminder / resolved from item-service. */
@ApplicationScoped
public class RelinkCommandConsumer {

    public static final String CHANNEL = "relink-commands";

    private final RelinkService service;

    public RelinkCommandConsumer(RelinkService service) {
        this.service = service;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String value) {
        EventEnvelope envelope = EventEnvelope.fromJson(value);
        return EventProcessing.withTransientRetry("relink command " + envelope.id(), () -> service.apply(envelope)).replaceWithVoid();
    }
}
