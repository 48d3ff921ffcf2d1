package dev.tartan.plaid.gateway;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds {@link PlaidGatewayConfig} the way Quarkus does (SmallRye Config with Quarkus' converters, so
 * "200ms" parses), from properties and optional environment variables.
 */
final class TestConfig {

    static final String CLIENT_ID = "test-client-id-0001";
    static final String SECRET = "test-secret-s3cr3t-value-9f8e7d";
    /** 32 bytes, base64. */
    static final String KEY_1 = Base64.getEncoder().encodeToString(bytes(1));
    static final String KEY_2 = Base64.getEncoder().encodeToString(bytes(2));

    private final Map<String, String> properties = new HashMap<>();
    private final Map<String, String> env = new HashMap<>();

    private TestConfig() {
    }

    /** Minimal valid configuration pointed at {@code baseUrl}, fast retries, no rate limits changed. */
    static TestConfig against(String baseUrl) {
        return new TestConfig()
                .set("tartan.plaid.base-url", baseUrl)
                .set("tartan.plaid.environment", "emulator")
                .set("tartan.plaid.client-id", CLIENT_ID)
                .set("tartan.plaid.secret", SECRET)
                .set("tartan.plaid.retry.initial-backoff", "40ms")
                .set("tartan.plaid.retry.max-backoff", "400ms")
                .set("tartan.plaid.token-encryption.active-key-id", "k1")
                .set("tartan.plaid.token-encryption.keys.k1", KEY_1);
    }

    static TestConfig empty() {
        return new TestConfig();
    }

    TestConfig set(String key, String value) {
        properties.put(key, value);
        return this;
    }

    TestConfig remove(String key) {
        properties.remove(key);
        return this;
    }

    TestConfig env(String name, String value) {
        env.put(name, value);
        return this;
    }

    PlaidGatewayConfig build() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .addDiscoveredConverters()
                .withMapping(PlaidGatewayConfig.class)
                .withSources(new PropertiesConfigSource(properties, "test", 250))
                .withSources(new EnvConfigSource(env, 300))
                .build();
        return config.getConfigMapping(PlaidGatewayConfig.class);
    }

    static byte[] bytes(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (seed * 31 + i);
        }
        return b;
    }
}
