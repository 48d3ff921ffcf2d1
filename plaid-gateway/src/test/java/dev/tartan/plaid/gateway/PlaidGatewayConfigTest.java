package dev.tartan.plaid.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tartan.plaid.gateway.crypto.AccessTokenCipher;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The configuration keys, their defaults, environment overrides, and the start-up checks. */
class PlaidGatewayConfigTest {

    @Test
    void defaults() {
        PlaidGatewayConfig config = TestConfig.empty()
                .set("tartan.plaid.client-id", "id").set("tartan.plaid.secret", "s").build();
        assertEquals("https://sandbox.plaid.com/", config.baseUrl());
        assertEquals(PlaidEnvironment.SANDBOX, config.environment());
        assertEquals(4, config.retry().maxAttempts());
        assertEquals(Duration.ofMillis(200), config.retry().initialBackoff());
        assertEquals(Duration.ofSeconds(10), config.retry().maxBackoff());
        assertEquals(Duration.ofSeconds(10), config.connectTimeout());
        assertEquals(Duration.ofSeconds(60), config.readTimeout());
        assertEquals(Duration.ofSeconds(30), config.writeTimeout());
        assertEquals(Duration.ofSeconds(30), config.rateLimitMaxWait());
        assertEquals(Duration.ofMinutes(1), config.rateLimitWindow());
        assertEquals(32, config.workerThreads());
        assertTrue(config.rateLimits().isEmpty());
        assertTrue(config.tokenEncryption().activeKeyId().isEmpty());
        assertTrue(config.tokenEncryption().keys().isEmpty());
    }

    @Test
    void environmentVariablesOverride() {
        PlaidGatewayConfig config = TestConfig.against("http://127.0.0.1:1/")
                .env("TARTAN_PLAID_BASE_URL", "http://emulator:8089/")
                .env("TARTAN_PLAID_CLIENT_ID", "from-env-id")
                .env("TARTAN_PLAID_SECRET", "from-env-secret")
                .env("TARTAN_PLAID_RETRY_MAX_ATTEMPTS", "2")
                .env("TARTAN_PLAID_TOKEN_ENCRYPTION_ACTIVE_KEY_ID", "k2")
                .env("TARTAN_PLAID_TOKEN_ENCRYPTION_KEYS_K2", TestConfig.KEY_2)
                .build();
        assertEquals("http://emulator:8089/", config.baseUrl());
        assertEquals("from-env-id", config.clientId());
        assertEquals("from-env-secret", config.secret());
        assertEquals(2, config.retry().maxAttempts());
        assertEquals("k2", config.tokenEncryption().activeKeyId().orElseThrow());
        // a key given only as an env var arrives with its id lower-cased
        assertEquals(TestConfig.KEY_2, config.tokenEncryption().keys().get("k2"), config.tokenEncryption().keys().keySet().toString());
        assertEquals("k2", new AccessTokenCipher(config).activeKeyId());
    }

    @Test
    void rateLimitsByEndpointPath() {
        PlaidGatewayConfig config = TestConfig.against("http://127.0.0.1:1/")
                .set("tartan.plaid.rate-limits.\"/item/remove\".per-item-per-minute", "20")
                .set("tartan.plaid.rate-limits.\"/item/get\".per-client-per-minute", "100")
                .build();
        assertEquals(20, config.rateLimits().get("/item/remove").perItemPerMinute().getAsInt());
        assertTrue(config.rateLimits().get("/item/remove").perClientPerMinute().isEmpty());
        assertEquals(100, config.rateLimits().get("/item/get").perClientPerMinute().getAsInt());
        assertEquals(PlaidEndpoint.ITEM_REMOVE, PlaidEndpoint.fromConfigKey("/item/remove"));
        assertEquals(PlaidEndpoint.ITEM_REMOVE, PlaidEndpoint.fromConfigKey("item-remove"));
        assertEquals(PlaidEndpoint.ITEM_PUBLIC_TOKEN_EXCHANGE, PlaidEndpoint.fromConfigKey("item/public_token/exchange"));
        assertThrows(IllegalArgumentException.class, () -> PlaidEndpoint.fromConfigKey("/item/rmove"));
    }

    @Test
    void everyEndpointIsReachableByItsPathAndItsName() {
        for (PlaidEndpoint endpoint : PlaidEndpoint.values()) {
            assertEquals(endpoint, PlaidEndpoint.fromConfigKey(endpoint.path()));
            assertEquals(endpoint, PlaidEndpoint.fromConfigKey("\"" + endpoint.path() + "\""));
            assertEquals(endpoint, PlaidEndpoint.fromConfigKey(endpoint.name()));
            assertEquals(endpoint, PlaidEndpoint.fromConfigKey(endpoint.name().toLowerCase().replace('_', '-')));
        }
    }

    @Test
    void rateLimitsFromEnvironmentVariables() {
        // SmallRye turns the double-underscore segment into the map key "item.remove"
        PlaidGatewayConfig config = TestConfig.against("http://127.0.0.1:1/")
                .env("TARTAN_PLAID_RATE_LIMITS__ITEM_REMOVE__PER_ITEM_PER_MINUTE", "7").build();
        String key = config.rateLimits().keySet().iterator().next();
        assertEquals(PlaidEndpoint.ITEM_REMOVE, PlaidEndpoint.fromConfigKey(key));
        assertEquals(7, config.rateLimits().get(key).perItemPerMinute().getAsInt());
        gateway(config).close();
    }

    @Test
    void unknownRateLimitKeyStopsStartUp() {
        PlaidGatewayConfig config = TestConfig.against("http://127.0.0.1:1/")
                .set("tartan.plaid.rate-limits.\"/item/rmove\".per-item-per-minute", "20").build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gateway(config));
        assertTrue(e.getMessage().contains("\"/item/rmove\" names no Plaid endpoint"), e.getMessage());
    }

    @Test
    void missingCredentialsStopStartUpNamingTheKey() {
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> TestConfig.against("http://127.0.0.1:1/").remove("tartan.plaid.secret").build());
        assertTrue(String.valueOf(e.getMessage()).contains("tartan.plaid.secret"), e.getMessage());
    }

    @Test
    void missingTokenKeyStopsStartUpNamingTheKey() {
        PlaidGatewayConfig config = TestConfig.against("http://127.0.0.1:1/")
                .remove("tartan.plaid.token-encryption.active-key-id").build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new AccessTokenCipher(config));
        assertTrue(e.getMessage().contains("set tartan.plaid.token-encryption.active-key-id"), e.getMessage());

        PlaidGatewayConfig wrongId = TestConfig.against("http://127.0.0.1:1/")
                .set("tartan.plaid.token-encryption.active-key-id", "k2").build();
        e = assertThrows(IllegalStateException.class, () -> new AccessTokenCipher(wrongId));
        assertTrue(e.getMessage().contains("tartan.plaid.token-encryption.keys.k2 is not set"), e.getMessage());

        PlaidGatewayConfig shortKey = TestConfig.against("http://127.0.0.1:1/")
                .set("tartan.plaid.token-encryption.keys.k1", "c2hvcnQ=").build();
        e = assertThrows(IllegalStateException.class, () -> new AccessTokenCipher(shortKey));
        assertTrue(e.getMessage().contains("tartan.plaid.token-encryption.keys.k1 decodes to 5 bytes"), e.getMessage());
    }

    @Test
    void baseUrlMustAgreeWithTheEnvironment() {
        assertThrows(IllegalStateException.class, () -> PlaidGateway.validBaseUrl("https://sandbox.plaid.com/", PlaidEnvironment.PRODUCTION));
        assertThrows(IllegalStateException.class, () -> PlaidGateway.validBaseUrl("http://production.plaid.com/", PlaidEnvironment.PRODUCTION));
        assertThrows(IllegalStateException.class, () -> PlaidGateway.validBaseUrl("https://production.plaid.com", PlaidEnvironment.SANDBOX));
        assertThrows(IllegalStateException.class, () -> PlaidGateway.validBaseUrl("https://sandbox.plaid.com/", PlaidEnvironment.EMULATOR));
        assertThrows(IllegalStateException.class, () -> PlaidGateway.validBaseUrl("ftp://x/", PlaidEnvironment.EMULATOR));
        assertThrows(IllegalStateException.class, () -> PlaidGateway.validBaseUrl("not a url", PlaidEnvironment.EMULATOR));
        PlaidGateway.validBaseUrl("https://production.plaid.com/", PlaidEnvironment.PRODUCTION);
        PlaidGateway.validBaseUrl("https://sandbox.plaid.com/", PlaidEnvironment.SANDBOX);
        PlaidGateway.validBaseUrl("http://127.0.0.1:8089/", PlaidEnvironment.EMULATOR);

        PlaidGatewayConfig config = TestConfig.against("http://127.0.0.1:1/").set("tartan.plaid.environment", "production").build();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> gateway(config));
        assertTrue(e.getMessage().contains("set tartan.plaid.base-url=https://production.plaid.com/"), e.getMessage());
    }

    private static PlaidGateway gateway(PlaidGatewayConfig config) {
        return new PlaidGateway(config, new AccessTokenCipher(config), new SimpleMeterRegistry());
    }
}
