package dev.tartan.ingest.api;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Keys come from the emulator's {@code /webhook_verification_key/get} through plaid-gateway, as in production. */
public class EmulatorProfile implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("tartan.ingest.instance-id", "ingest-test-emulator",
                // the flood test wants a visible budget: 10 at once, 2 per second after that
                "tartan.ingest.keys.fetch-burst", "10",
                "tartan.ingest.keys.fetches-per-second", "2");
    }
}
