package dev.tartan.identity.verification;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * {@code tartan_identity_fraud_reviews_open}: fraud reviews requested and not yet answered by an operator. Counted
 * from the database on a timer (the partial index {@code fraud_review_one_open} holds exactly the open ones), so
 * every replica reports the same truth; dashboards take {@code max}.
 */
@ApplicationScoped
@Startup // its meters exist (at zero) from start-up, not from first use
public class FraudReviewGauge {

    private static final Logger LOG = Logger.getLogger(FraudReviewGauge.class);

    private final AtomicLong open = new AtomicLong();

    public FraudReviewGauge(MeterRegistry registry) {
        Gauge.builder("tartan_identity_fraud_reviews_open", open, AtomicLong::get)
                .description("Fraud reviews requested by identity-service and not yet decided").register(registry);
    }

    @Scheduled(identity = "fraud-review-gauge", every = "${tartan.identity.gauges.refresh-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().onFailure().invoke(e -> LOG.warnf("fraud review gauge not refreshed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    public Uni<Long> refresh() {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "SELECT count(*) FROM fraud_review WHERE status = 'OPEN'", Long.class).getSingleResult()))
                .invoke(open::set);
    }
}
