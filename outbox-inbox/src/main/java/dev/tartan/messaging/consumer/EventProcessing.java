package dev.tartan.messaging.consumer;

import dev.tartan.contracts.MalformedEventException;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * How every consumer treats failure: transient ones (database or broker down, Plaid 5xx) are
 * retried with back-off within a budget kept below SmallRye's throttled-commit limit (60 s);
 * permanent ones fail at once so the channel's dead-letter strategy takes the record.
 */
public final class EventProcessing {

    private static final Logger LOG = Logger.getLogger(EventProcessing.class);
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(45);

    private EventProcessing() {
    }

    public static <T> Uni<T> withTransientRetry(String what, Supplier<Uni<T>> attempt) {
        return withTransientRetry(what, attempt, DEFAULT_BUDGET);
    }

    /** Each retry calls {@code attempt} again, so a new transaction (and Hibernate session) is opened. */
    public static <T> Uni<T> withTransientRetry(String what, Supplier<Uni<T>> attempt, Duration budget) {
        return Uni.createFrom().<T>deferred(attempt::get)
                .onFailure(EventProcessing::isTransient)
                .invoke(e -> LOG.warnf("%s failed transiently, retrying: %s", what, e.toString()))
                .onFailure(EventProcessing::isTransient)
                .retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(5)).withJitter(0.2)
                .expireIn(budget.toMillis());
    }

    public static boolean isPermanent(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof PermanentEventFailure || c instanceof MalformedEventException) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
        }
        return false;
    }

    public static boolean isTransient(Throwable t) {
        return !isPermanent(t);
    }
}
