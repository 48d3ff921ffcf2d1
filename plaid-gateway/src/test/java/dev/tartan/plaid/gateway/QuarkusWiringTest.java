package dev.tartan.plaid.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.plaid.client.model.WebhookVerificationKeyGetRequest;
import dev.tartan.plaid.gateway.crypto.AccessTokenCipher;
import dev.tartan.contracts.SealedToken;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The module as the services see it: a Quarkus application that depends on it discovers the beans
 * (Jandex), maps {@code tartan.plaid.*}, injects a MeterRegistry, and calls come back on the
 * caller's context.
 */
@QuarkusTest
@QuarkusTestResource(QuarkusWiringTest.Stub.class)
class QuarkusWiringTest {

    /** Starts a {@link StubPlaid} and points {@code tartan.plaid.base-url} at it. */
    public static class Stub implements QuarkusTestResourceLifecycleManager {
        static StubPlaid plaid;

        @Override
        public Map<String, String> start() {
            try {
                plaid = new StubPlaid().always("/webhook_verification_key/get", StubPlaid.verificationKeyOk("req-quarkus"));
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            return Map.of("tartan.plaid.base-url", plaid.baseUrl());
        }

        @Override
        public void stop() {
            plaid.close();
        }
    }

    @Inject
    PlaidGateway gateway;

    @Inject
    AccessTokenCipher cipher;

    @Inject
    PlaidGatewayConfig config;

    @Inject
    MeterRegistry meters;

    @Inject
    Vertx vertx;

    @Test
    void beansConfigAndMetricsWireUp() throws Exception {
        assertEquals(PlaidEnvironment.EMULATOR, config.environment());
        assertEquals(20, config.rateLimits().get("/item/remove").perItemPerMinute().getAsInt());
        assertEquals("k2", cipher.activeKeyId());

        SealedToken resealed = cipher.reseal("item-q", new AccessTokenCipher(
                dev.tartan.plaid.gateway.crypto.TokenKeyRing.fromConfig(java.util.Optional.of("k1"), Map.of("k1", TestConfig.KEY_1)))
                .seal("item-q", "access-sandbox-q"));
        assertEquals("k2", resealed.keyId());

        CompletableFuture<Context> resumedOn = new CompletableFuture<>();
        Context caller = vertx.getOrCreateContext();
        caller.runOnContext(v -> gateway.call(PlaidEndpoint.WEBHOOK_VERIFICATION_KEY_GET, PlaidCallContext.none(),
                        api -> api.webhookVerificationKeyGet(new WebhookVerificationKeyGetRequest().keyId("kid-1")))
                .subscribe().with(r -> resumedOn.complete(Vertx.currentContext()), resumedOn::completeExceptionally));
        assertEquals(caller, resumedOn.get(20, TimeUnit.SECONDS));

        var timer = meters.find("tartan.plaid.calls").tags("endpoint", "/webhook_verification_key/get", "outcome", "success").timer();
        assertNotNull(timer, "tartan_plaid_calls is registered in Quarkus' MeterRegistry");
        assertTrue(timer.count() >= 1);
        assertEquals("req-quarkus", gateway.call(PlaidEndpoint.WEBHOOK_VERIFICATION_KEY_GET, PlaidCallContext.none(),
                api -> api.webhookVerificationKeyGet(new WebhookVerificationKeyGetRequest().keyId("kid-1")))
                .await().atMost(Duration.ofSeconds(20)).getRequestId());
    }
}
