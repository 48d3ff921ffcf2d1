package dev.tartan.beacon.it;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Base64;
import java.util.Map;

/** Beacon on (a sandbox program id), a PII key, an Account Insights rule the emulator's quiet accounts trip, logs to a file. */
public class BeaconOnProfile implements QuarkusTestProfile {

    public static final String PROGRAM_ID = "becprg_TartanTest01";
    public static final String LOG_FILE = "target/beacon-test.log";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("tartan.beacon.program-id", PROGRAM_ID),
                Map.entry("tartan.beacon.pii-encryption.active-key-id", "pii-test-1"),
                Map.entry("tartan.beacon.pii-encryption.keys.pii-test-1", Base64.getEncoder().encodeToString(new byte[] {
                        1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32})),
                // the emulator's accounts are 1825 days old: this makes NEW_ACCOUNT trip
                Map.entry("tartan.beacon.insights.min-account-age-days", "2000"),
                Map.entry("tartan.beacon.backfill.rate-per-minute", "6000"),
                Map.entry("tartan.beacon.backfill.poll-interval", "200ms"),
                Map.entry("quarkus.log.file.enabled", "true"),
                Map.entry("quarkus.log.file.path", LOG_FILE),
                Map.entry("quarkus.log.category.\"dev.tartan\".level", "DEBUG"));
    }
}
