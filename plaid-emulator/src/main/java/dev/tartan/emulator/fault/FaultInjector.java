package dev.tartan.emulator.fault;

import dev.tartan.emulator.api.Ids;
import dev.tartan.emulator.api.PlaidErrors;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/** Faults injected per Plaid endpoint path through the control API, applied before the call is handled. */
@ApplicationScoped
public class FaultInjector {
    private static final Logger LOG = Logger.getLogger(FaultInjector.class);
    private final List<FaultRule> rules = new CopyOnWriteArrayList<>();

    public FaultRule add(String endpoint, FaultType type, Integer count, Double rate, long latencyMs) {
        FaultRule rule = new FaultRule("flt_" + Ids.alnum(10), endpoint, type, count, rate == null ? 1.0 : rate,
                latencyMs);
        rules.add(rule);
        return rule;
    }

    public List<FaultRule> rules() {
        return List.copyOf(rules);
    }

    public void clear() {
        rules.clear();
    }

    /**
     * Applies the faults registered for {@code endpoint}: latency rules sleep (this runs on a worker thread), and the
     * first error rule that fires throws the Plaid error. Exhausted rules stay listed so tests can read their counters.
     */
    public void apply(String endpoint) {
        for (FaultRule rule : rules) {
            if (!rule.endpoint().equals(endpoint) || rule.exhausted()) {
                continue;
            }
            if (rule.rate() < 1.0 && ThreadLocalRandom.current().nextDouble() >= rule.rate()) {
                continue;
            }
            if (!rule.tryClaim()) {
                continue;
            }
            LOG.debugf("fault %s (%s) on %s", rule.id(), rule.type(), endpoint);
            switch (rule.type()) {
                case LATENCY -> sleep(rule.latencyMs());
                case RATE_LIMIT -> throw PlaidErrors.rateLimit(endpoint);
                case SERVER_ERROR_500 -> throw PlaidErrors.internalServerError();
                case SERVER_ERROR_503 -> throw PlaidErrors.plannedMaintenance();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
