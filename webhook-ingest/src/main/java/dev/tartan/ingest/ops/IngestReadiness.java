package dev.tartan.ingest.ops;

import dev.tartan.ingest.publish.Publisher;
import dev.tartan.ingest.spool.SpoolStore;
import dev.tartan.ingest.spool.SpoolWriter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready when a delivery can be made durable: the spool answers (Kafka may be down: that is what the spool is for) or,
 * with the spool down, the broker is publishing live. The data shows both sides, so a dashboard sees a broker outage
 * while the pod keeps taking webhooks.
 */
@Readiness
@ApplicationScoped
public class IngestReadiness implements HealthCheck {

    private final SpoolStore store;
    private final SpoolWriter writer;
    private final Publisher publisher;

    public IngestReadiness(SpoolStore store, SpoolWriter writer, Publisher publisher) {
        this.store = store;
        this.writer = writer;
        this.publisher = publisher;
    }

    @Override
    public HealthCheckResponse call() {
        boolean spoolUp;
        String spoolError = writer.lastError();
        try {
            store.ping();
            spoolUp = writer.healthy() || spoolError == null;
        } catch (Exception e) {
            spoolUp = false;
            spoolError = e.getMessage();
        }
        boolean brokerUp = publisher.live();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("webhook-ingest")
                .status(spoolUp || brokerUp)
                .withData("spool", spoolUp ? "up" : "down")
                .withData("broker", brokerUp ? "up" : "down")
                .withData("publisher_mode", publisher.mode().name())
                .withData("spool_depth", publisher.spoolDepth());
        if (!spoolUp && spoolError != null) {
            b.withData("spool_error", spoolError);
        }
        if (!brokerUp && publisher.lastError() != null) {
            b.withData("broker_error", publisher.lastError());
        }
        return b.build();
    }
}
