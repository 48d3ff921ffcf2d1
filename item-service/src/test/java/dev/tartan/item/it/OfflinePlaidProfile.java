package dev.tartan.item.it;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Wiring tests that need no Plaid answer: the gateway points at a closed port (a verification attempt fails and
 * leaves the Item due for reconciliation), schedules are shortened and periodic jobs that would call Plaid are off.
 */
public class OfflinePlaidProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Map.ofEntries(
                Map.entry("tartan.plaid.base-url", "http://127.0.0.1:9/"),
                Map.entry("tartan.plaid.client-id", "offline"),
                Map.entry("tartan.plaid.secret", "offline"),
                Map.entry("tartan.plaid.retry.max-attempts", "1"),
                Map.entry("tartan.plaid.token-encryption.active-key-id", "test-key-1"),
                Map.entry("tartan.plaid.token-encryption.keys.test-key-1", Base64.getEncoder().encodeToString(key)),
                Map.entry("tartan.item.reconcile.enabled", "false"),
                Map.entry("tartan.item.churn.enabled", "false"),
                Map.entry("tartan.item.relink.reminder-intervals", "PT2S,PT2S"),
                Map.entry("tartan.item.relink.reminder-sweep-interval", "1s"));
    }
}
