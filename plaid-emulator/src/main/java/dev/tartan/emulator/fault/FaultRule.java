package dev.tartan.emulator.fault;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One fault on one endpoint. {@code remaining} counts down per application (unlimited when null); {@code rate} is the
 * chance that a matching call is affected (1.0 when absent). Both may be combined: "the next 3 failures, each call with
 * a 50% chance".
 */
public final class FaultRule {
    private final String id;
    private final String endpoint;
    private final FaultType type;
    private final Integer count;
    private final double rate;
    private final long latencyMs;
    private final AtomicInteger applied = new AtomicInteger();

    public FaultRule(String id, String endpoint, FaultType type, Integer count, double rate, long latencyMs) {
        this.id = id;
        this.endpoint = endpoint;
        this.type = type;
        this.count = count;
        this.rate = rate;
        this.latencyMs = latencyMs;
    }

    /** Claims one application of this rule if it has any left; thread-safe. */
    boolean tryClaim() {
        while (true) {
            int used = applied.get();
            if (count != null && used >= count) {
                return false;
            }
            if (applied.compareAndSet(used, used + 1)) {
                return true;
            }
        }
    }

    boolean exhausted() {
        return count != null && applied.get() >= count;
    }

    public String id() {
        return id;
    }

    public String endpoint() {
        return endpoint;
    }

    public FaultType type() {
        return type;
    }

    public Integer count() {
        return count;
    }

    public double rate() {
        return rate;
    }

    public long latencyMs() {
        return latencyMs;
    }

    public int applied() {
        return applied.get();
    }
}
