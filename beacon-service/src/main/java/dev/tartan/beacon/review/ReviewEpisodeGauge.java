package dev.tartan.beacon.review;

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
 * {@code tartan_beacon_fraud_reviews_open}: Beacon users in an open review episode (one fraud-review command each,
 * not yet cleared or rejected). Counted from the database on a timer (the partial index
 * {@code review_episode_one_open} holds exactly the open ones), so every replica reports the same truth.
 */
@ApplicationScoped
@Startup // its meters exist (at zero) from start-up, not from first use
public class ReviewEpisodeGauge {

    private static final Logger LOG = Logger.getLogger(ReviewEpisodeGauge.class);

    private final AtomicLong open = new AtomicLong();

    public ReviewEpisodeGauge(MeterRegistry registry) {
        Gauge.builder("tartan_beacon_fraud_reviews_open", open, AtomicLong::get)
                .description("Beacon review episodes open (fraud review requested, user not yet cleared or rejected)")
                .register(registry);
    }

    @Scheduled(identity = "review-episode-gauge", every = "${tartan.beacon.gauges.refresh-interval}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh().onFailure().invoke(e -> LOG.warnf("review episode gauge not refreshed: %s", e.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    public Uni<Long> refresh() {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "SELECT count(*) FROM review_episode WHERE closed_at IS NULL", Long.class).getSingleResult()))
                .invoke(open::set);
    }
}
