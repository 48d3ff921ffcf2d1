package dev.tartan.ingest.api;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tartan.ingest.verification.TestSigner;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * Ingest trusts one key generated here ({@link #SIGNER}) through {@code tartan.ingest.verification.static-keys-file},
 * so tests can sign any body and any {@code iat} exactly like Plaid. The gateway gets harmless settings (it is not
 * called in this mode). Tracing is on, exporting to a port where nothing listens.
 */
public class StaticKeysProfile implements QuarkusTestProfile {

    public static final TestSigner SIGNER = new TestSigner();

    @Override
    public Map<String, String> getConfigOverrides() {
        try {
            Path file = Files.createTempFile("ingest-keys", ".json");
            Files.writeString(file, new JWKSet(SIGNER.key.toPublicJWK()).toString(true));
            file.toFile().deleteOnExit();
            return Map.of(
                    "tartan.ingest.verification.static-keys-file", file.toString(),
                    "tartan.ingest.instance-id", "ingest-test-static",
                    "tartan.plaid.base-url", "http://127.0.0.1:9/",
                    "tartan.plaid.token-encryption.active-key-id", "k1",
                    "tartan.plaid.token-encryption.keys.k1", Base64.getEncoder().encodeToString(new byte[32]),
                    // traces on, with no collector listening: the record must carry the request's traceparent, and
                    // an unreachable collector must cost nothing but dropped spans
                    "quarkus.otel.sdk.disabled", "false",
                    "quarkus.otel.exporter.otlp.endpoint", "http://127.0.0.1:9",
                    // longer than the default, so that a transaction slowed by a busy CI machine still commits
                    // before its spool row is due (IngestFlowTest.aDeliveryOnKafkaInTimeIsNeverWrittenToTheSpool)
                    "tartan.ingest.publish.spool-after", "2s");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
