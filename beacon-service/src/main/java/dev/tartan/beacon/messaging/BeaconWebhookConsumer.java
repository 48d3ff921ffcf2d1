package dev.tartan.beacon.messaging;

import dev.tartan.beacon.BeaconSwitch;
import dev.tartan.beacon.screening.BeaconWebhook;
import dev.tartan.beacon.screening.ScreeningService;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.messaging.consumer.EventProcessing;
import dev.tartan.messaging.consumer.PermanentEventFailure;
import dev.tartan.plaid.gateway.PlaidApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/** BEACON webhooks from {@code plaid.webhooks.beacon}: parse, then {@link ScreeningService} follows them up. */
@ApplicationScoped
public class BeaconWebhookConsumer {

    public static final String CHANNEL = "beacon-webhooks";
    public static final String GROUP = "beacon-service";
    private static final Logger LOG = Logger.getLogger(BeaconWebhookConsumer.class);

    private final BeaconSwitch beacon;
    private final ScreeningService screening;

    public BeaconWebhookConsumer(BeaconSwitch beacon, ScreeningService screening) {
        this.beacon = beacon;
        this.screening = screening;
    }

    @Incoming(CHANNEL)
    public Uni<Void> consume(String value) {
        EventEnvelope env = EventEnvelope.fromJson(value);
        if (!env.type().startsWith(PlaidWebhookReceived.TYPE_PREFIX + "BEACON.")) {
            throw new PermanentEventFailure("not a BEACON webhook event: " + env.type());
        }
        if (!beacon.enabled()) {
            LOG.debugf("Beacon is off: BEACON webhook %s skipped", env.id());
            return Uni.createFrom().voidItem();
        }
        BeaconWebhook hook = BeaconWebhook.parse(env.dataAs(PlaidWebhookReceived.class).body());
        if (hook.followUp() == BeaconWebhook.FollowUp.NONE) {
            LOG.infof("BEACON webhook code %s is not handled: acknowledged (delivery %s)", hook.code(), env.id());
            return Uni.createFrom().voidItem();
        }
        return EventProcessing.withTransientRetry("BEACON " + hook.code() + " " + env.id(),
                () -> screening.handle(GROUP, env.id(), hook).onFailure(PlaidApiException.class)
                        .transform(e -> ((PlaidApiException) e).isRetryable() ? e
                                : new PermanentEventFailure("Plaid refused the follow-up of BEACON " + hook.code() + ": " + e.getMessage(), e)));
    }
}
