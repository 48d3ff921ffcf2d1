package dev.tartan.item.it;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Shortened schedules for tests against the emulator; periodic churn and reconciliation are driven by the tests. */
public class EmulatorProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("tartan.item.relink.reminder-intervals", "PT1S,PT2S"),
                Map.entry("tartan.item.relink.reminder-sweep-interval", "1s"),
                Map.entry("tartan.item.removal.sweep-interval", "1s"),
                Map.entry("tartan.item.removal.retry-delay", "1s"),
                Map.entry("tartan.item.removal.max-retry-delay", "2s"),
                Map.entry("tartan.item.churn.enabled", "false"),
                Map.entry("tartan.item.reconcile.enabled", "false"),
                Map.entry("tartan.plaid.retry.initial-backoff", "50ms"),
                Map.entry("tartan.plaid.retry.max-backoff", "200ms"));
    }
}
