package dev.tartan.plaid.gateway;

import static dev.tartan.plaid.gateway.StubPlaid.Answer;
import static dev.tartan.plaid.gateway.StubPlaid.itemGetOk;
import static dev.tartan.plaid.gateway.StubPlaid.plaidError;
import static dev.tartan.plaid.gateway.StubPlaid.verificationKeyOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.plaid.client.model.ItemGetRequest;
import com.plaid.client.model.ItemGetResponse;
import com.plaid.client.model.WebhookVerificationKeyGetRequest;
import com.plaid.client.model.WebhookVerificationKeyGetResponse;
import dev.tartan.contracts.SealedToken;
import dev.tartan.plaid.gateway.crypto.TokenDecryptionException;
import io.smallrye.mutiny.Uni;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Every gateway rule against a local server that speaks Plaid, through real plaid-java. */
class PlaidGatewayTest {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String ITEM = "item-a1b2c3";
    static final String ACCESS_TOKEN = "access-sandbox-0f1e2d3c-CLEAR-TOKEN-4b5a6978";
    static final String KEY_GET = "/webhook_verification_key/get";
    static final String ITEM_GET = "/item/get";

    static Uni<WebhookVerificationKeyGetResponse> verificationKey(PlaidGateway gateway) {
        return gateway.call(PlaidEndpoint.WEBHOOK_VERIFICATION_KEY_GET, PlaidCallContext.none(),
                api -> api.webhookVerificationKeyGet(new WebhookVerificationKeyGetRequest().keyId("kid-1")));
    }

    static Uni<ItemGetResponse> itemGet(GatewayFixture f, String itemId, SealedToken token) {
        return f.gateway.callWithAccessToken(PlaidEndpoint.ITEM_GET, itemId, token,
                (api, accessToken) -> api.itemGet(new ItemGetRequest().accessToken(accessToken)));
    }

    /** The first call through a fresh plaid-java client is slow (class loading, Retrofit set-up): keep it out of timings. */
    static void warmUp(GatewayFixture f) {
        f.plaid.then(KEY_GET, verificationKeyOk("req-warm-up"));
        verificationKey(f.gateway).await().atMost(WAIT);
    }

    @Test
    void successSendsCredentialsAndTheOpenedTokenAndReturnsTheBody() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c)) {
            f.plaid.then(ITEM_GET, itemGetOk(ITEM, "req-ok-1"));
            ItemGetResponse response = itemGet(f, ITEM, f.cipher.seal(ITEM, ACCESS_TOKEN)).await().atMost(WAIT);
            assertEquals(ITEM, response.getItem().getItemId());
            assertEquals("req-ok-1", response.getRequestId());

            StubPlaid.Received sent = f.plaid.received(ITEM_GET).get(0);
            assertEquals(TestConfig.CLIENT_ID, sent.header("PLAID-CLIENT-ID"));
            assertEquals(TestConfig.SECRET, sent.header("PLAID-SECRET"));
            assertTrue(sent.body().contains("\"access_token\":\"" + ACCESS_TOKEN + "\""), "the gateway opened the token: " + sent.body());
            assertEquals(1, f.count(ITEM_GET, "success"));
        }
    }

    @Test
    void retriesRateLimitAndServerErrorsWithGrowingBackoffThenSucceeds() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c)) {
            f.plaid.then(KEY_GET,
                    plaidError(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT", "req-429"),
                    plaidError(500, "API_ERROR", "INTERNAL_SERVER_ERROR", "req-500"),
                    plaidError(503, "API_ERROR", "PLANNED_MAINTENANCE", "req-503"),
                    verificationKeyOk("req-ok"));
            WebhookVerificationKeyGetResponse response = verificationKey(f.gateway).await().atMost(WAIT);
            assertEquals("req-ok", response.getRequestId());

            List<StubPlaid.Received> sent = f.plaid.received(KEY_GET);
            assertEquals(4, sent.size());
            // back-off after attempt n is between half of 40ms×2^(n-1) and all of it
            long[] floorsMillis = {20, 40, 80};
            for (int i = 1; i < sent.size(); i++) {
                long gap = TimeUnit.NANOSECONDS.toMillis(sent.get(i).atNanos() - sent.get(i - 1).atNanos());
                assertTrue(gap >= floorsMillis[i - 1], "gap before attempt " + (i + 1) + " was " + gap + " ms");
            }
            assertEquals(1, f.count(KEY_GET, "rate_limited"));
            assertEquals(2, f.count(KEY_GET, "server_error"));
            assertEquals(1, f.count(KEY_GET, "success"));
        }
    }

    @Test
    void givesUpAfterMaxAttemptsWithPlaidUnavailableCarryingTheLastPlaidError() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c.set("tartan.plaid.retry.max-attempts", "3"))) {
            f.plaid.always(KEY_GET, plaidError(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT", "req-429"));
            PlaidUnavailableException e = assertThrows(PlaidUnavailableException.class, () -> verificationKey(f.gateway).await().atMost(WAIT));
            assertEquals(PlaidUnavailableException.Reason.PLAID_ERROR, e.reason());
            assertEquals(3, e.attempts());
            assertEquals("RATE_LIMIT", e.lastPlaidError().orElseThrow().errorCode());
            assertEquals("req-429", e.requestId());
            assertEquals(3, f.plaid.received(KEY_GET).size());
        }
    }

    @Test
    void noRetryOnInvalidInputAndTheExceptionCarriesPlaidsFields() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c)) {
            f.plaid.always(ITEM_GET, plaidError(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN", "req-400"));
            PlaidApiException e = assertThrows(PlaidApiException.class, () -> itemGet(f, ITEM, f.cipher.seal(ITEM, ACCESS_TOKEN)).await().atMost(WAIT));
            assertEquals(1, f.plaid.received(ITEM_GET).size(), "a 4xx input error is not retried");
            assertEquals(400, e.httpStatus());
            assertEquals("INVALID_INPUT", e.errorType());
            assertEquals("INVALID_ACCESS_TOKEN", e.errorCode());
            assertEquals("developer text for INVALID_ACCESS_TOKEN", e.errorMessage());
            assertEquals("Something went wrong", e.displayMessage());
            assertEquals("req-400", e.requestId());
            assertEquals(PlaidEndpoint.ITEM_GET, e.endpoint());
            assertNull(e.suggestedAction());
            assertFalse(e.isRetryable());
            assertFalse(e.isItemError());
            assertTrue(e.getMessage().contains("req-400"));
            assertEquals(1, f.count(ITEM_GET, "plaid_error"));
        }
    }

    @Test
    void itemErrorsAreRecognisable() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c)) {
            f.plaid.always(ITEM_GET, plaidError(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED", "req-item"));
            PlaidApiException e = assertThrows(PlaidApiException.class, () -> itemGet(f, ITEM, f.cipher.seal(ITEM, ACCESS_TOKEN)).await().atMost(WAIT));
            assertTrue(e.isItemError());
            assertTrue(e.isItemError("ITEM_LOGIN_REQUIRED", "ITEM_NOT_FOUND"));
            assertFalse(e.isItemError("ITEM_NOT_FOUND"));
            assertEquals(1, f.plaid.received(ITEM_GET).size());
        }
    }

    @Test
    void nonJsonServerErrorIsRetriedAndReportedAsUnparseable() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c.set("tartan.plaid.retry.max-attempts", "2"))) {
            f.plaid.always(KEY_GET, Answer.json(502, "<html><body>Bad Gateway</body></html>"));
            PlaidUnavailableException e = assertThrows(PlaidUnavailableException.class, () -> verificationKey(f.gateway).await().atMost(WAIT));
            assertEquals(2, f.plaid.received(KEY_GET).size());
            PlaidApiException last = e.lastPlaidError().orElseThrow();
            assertEquals(PlaidApiException.UNPARSEABLE, last.errorType());
            assertEquals(502, last.httpStatus());
        }
    }

    @Test
    void retriesTimeoutsThenSucceeds() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c.set("tartan.plaid.read-timeout", "300ms"))) {
            f.plaid.then(KEY_GET, verificationKeyOk("req-slow").delayed(1_500), verificationKeyOk("req-fast"));
            assertEquals("req-fast", verificationKey(f.gateway).await().atMost(WAIT).getRequestId());
            assertEquals(1, f.count(KEY_GET, "timeout"));
            assertEquals(1, f.count(KEY_GET, "success"));
        }
    }

    @Test
    void networkFailureEndsAsPlaidUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (StubPlaid unused = new StubPlaid();
                GatewayFixture f = new GatewayFixture(unused, TestConfig.against("http://127.0.0.1:" + closedPort + "/")
                        .set("tartan.plaid.retry.max-attempts", "2"))) {
            PlaidUnavailableException e = assertThrows(PlaidUnavailableException.class, () -> verificationKey(f.gateway).await().atMost(WAIT));
            assertEquals(PlaidUnavailableException.Reason.NETWORK, e.reason());
            assertEquals(2, e.attempts());
            assertTrue(e.lastPlaidError().isEmpty());
            assertEquals(2, f.count(KEY_GET, "network_error"));
        }
    }

    @Test
    void perItemLimitDelaysCallsForTheSameItemOnly() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c.set("tartan.plaid.rate-limit-window", "1s")
                .set("tartan.plaid.rate-limits.\"/item/get\".per-item-per-minute", "2"))) {
            f.plaid.always(ITEM_GET, itemGetOk(ITEM, "req"));
            SealedToken a = f.cipher.seal("item-a", ACCESS_TOKEN);
            SealedToken b = f.cipher.seal("item-b", ACCESS_TOKEN);
            warmUp(f);
            long start = System.nanoTime();
            List<Uni<ItemGetResponse>> calls = List.of(itemGet(f, "item-a", a), itemGet(f, "item-a", a), itemGet(f, "item-a", a),
                    itemGet(f, "item-b", b));
            Uni.join().all(calls).andFailFast().await().atMost(WAIT);

            List<Long> sentMillis = f.plaid.received(ITEM_GET).stream()
                    .map(r -> TimeUnit.NANOSECONDS.toMillis(r.atNanos() - start)).sorted().toList();
            assertEquals(4, sentMillis.size());
            // the third call for item-a is booked one window after the first; the others went at once
            assertTrue(sentMillis.get(3) >= 990, "the third call for item-a waits for the window: " + sentMillis);
            assertTrue(sentMillis.get(2) < sentMillis.get(3) - 300, "item-b is not held back: " + sentMillis);
            assertEquals(1, f.meters.find(CallObserver.RATE_LIMIT_WAIT_METRIC).tags("endpoint", ITEM_GET).timer().count(),
                    "exactly one call waited for a permit");
        }
    }

    @Test
    void perClientLimitDelaysCallsAcrossItems() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c.set("tartan.plaid.rate-limit-window", "1s")
                .set("tartan.plaid.rate-limits.\"/item/get\".per-client-per-minute", "2"))) {
            f.plaid.always(ITEM_GET, itemGetOk(ITEM, "req"));
            warmUp(f);
            long start = System.nanoTime();
            Uni.join().all(itemGet(f, "i1", f.cipher.seal("i1", ACCESS_TOKEN)), itemGet(f, "i2", f.cipher.seal("i2", ACCESS_TOKEN)),
                    itemGet(f, "i3", f.cipher.seal("i3", ACCESS_TOKEN))).andFailFast().await().atMost(WAIT);
            List<Long> sentMillis = f.plaid.received(ITEM_GET).stream()
                    .map(r -> TimeUnit.NANOSECONDS.toMillis(r.atNanos() - start)).sorted().toList();
            assertTrue(sentMillis.get(2) >= 990, "the third call waits for the window: " + sentMillis);
            assertEquals(1, f.meters.find(CallObserver.RATE_LIMIT_WAIT_METRIC).tags("endpoint", ITEM_GET).timer().count(),
                    "exactly one call waited for a permit");
        }
    }

    @Test
    void givesUpWithoutSendingWhenNoPermitWithinTheMaximumWait() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c.set("tartan.plaid.rate-limit-window", "10s")
                .set("tartan.plaid.rate-limit-max-wait", "200ms")
                .set("tartan.plaid.rate-limits.ITEM_REMOVE.per-item-per-minute", "1"))) {
            f.plaid.always("/item/remove", Answer.json(200, "{\"request_id\":\"req-rm\"}"));
            SealedToken token = f.cipher.seal(ITEM, ACCESS_TOKEN);
            var remove = (java.util.function.Supplier<Uni<com.plaid.client.model.ItemRemoveResponse>>) () -> f.gateway.callWithAccessToken(
                    PlaidEndpoint.ITEM_REMOVE, ITEM, token,
                    (api, t) -> api.itemRemove(new com.plaid.client.model.ItemRemoveRequest().accessToken(t)));
            assertEquals("req-rm", remove.get().await().atMost(WAIT).getRequestId());
            PlaidUnavailableException e = assertThrows(PlaidUnavailableException.class, () -> remove.get().await().atMost(WAIT));
            assertEquals(PlaidUnavailableException.Reason.RATE_LIMIT_WAIT, e.reason());
            assertEquals(0, e.attempts());
            assertEquals(1, f.plaid.received("/item/remove").size());
            assertEquals(1, f.count("/item/remove", "local_rate_limited"));
        }
    }

    @Test
    void logsEndpointOutcomeLatencyRequestIdAndItemButNeverTokensOrSecrets() throws Exception {
        try (LogCapture logs = new LogCapture(); GatewayFixture f = GatewayFixture.start(c -> c)) {
            SealedToken sealed = f.cipher.seal(ITEM, ACCESS_TOKEN);
            f.plaid.then(ITEM_GET, plaidError(500, "API_ERROR", "INTERNAL_SERVER_ERROR", "req-log-500"), itemGetOk(ITEM, "req-log-ok"),
                    plaidError(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED", "req-log-400"));
            f.plaid.then("/item/public_token/exchange", Answer.json(200,
                    "{\"access_token\":\"access-sandbox-EXCHANGED-CLEAR\",\"item_id\":\"item-new\",\"request_id\":\"req-exchange\"}"));
            itemGet(f, ITEM, sealed).await().atMost(WAIT);
            assertThrows(PlaidApiException.class, () -> itemGet(f, ITEM, sealed).await().atMost(WAIT));
            f.gateway.exchangePublicToken("public-sandbox-CLEAR-PUBLIC", PlaidCallContext.linkSession("ls-1")).await().atMost(WAIT);

            String text = logs.text();
            List<LogCapture.Line> lines = logs.lines().stream().filter(l -> l.message().startsWith("plaid call")).toList();
            assertEquals(4, lines.size(), text);
            for (LogCapture.Line line : lines) {
                assertTrue(line.message().contains("endpoint=/"), text);
                assertTrue(line.message().contains("outcome="), text);
                assertTrue(line.message().contains("latency_ms="), text);
                assertTrue(line.message().contains("request_id=req-"), text);
                assertTrue(line.mdc().get("plaid.request_id").startsWith("req-"), text);
            }
            assertTrue(text.contains("endpoint=/item/get outcome=server_error http_status=500 attempt=1/4"), text);
            assertTrue(text.contains("request_id=req-log-500 item_id=" + ITEM), text);
            assertTrue(text.contains("outcome=success http_status=200 attempt=2/4"), text);
            assertTrue(text.contains("request_id=req-log-400 item_id=" + ITEM + " error_type=ITEM_ERROR error_code=ITEM_LOGIN_REQUIRED"), text);
            assertTrue(text.contains("endpoint=/item/public_token/exchange outcome=success"), text);
            assertTrue(text.contains("request_id=req-exchange item_id=item-new link_session_id=ls-1"), text);

            for (String secret : List.of(ACCESS_TOKEN, "access-sandbox-EXCHANGED-CLEAR", "public-sandbox-CLEAR-PUBLIC", TestConfig.SECRET,
                    TestConfig.KEY_1, sealed.ciphertext())) {
                assertFalse(text.contains(secret), "the log holds a secret: " + secret + "\n" + text);
            }
        }
    }

    @Test
    void exchangeReturnsTheItemAndItsSealedTokenOnly() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c)) {
            f.plaid.then("/item/public_token/exchange", Answer.json(200,
                    "{\"access_token\":\"access-sandbox-NEW\",\"item_id\":\"item-new\",\"request_id\":\"req-x\"}"));
            ExchangedItem item = f.gateway.exchangePublicToken("public-sandbox-abc", PlaidCallContext.user("user-1")).await().atMost(WAIT);
            assertEquals("item-new", item.itemId());
            assertEquals("req-x", item.requestId());
            assertEquals("k1", item.accessToken().keyId());
            assertFalse(item.toString().contains("access-sandbox-NEW"));
            assertEquals("access-sandbox-NEW", GatewayFixture.decryptWithTestKey("item-new", item.accessToken()));
            assertTrue(f.plaid.received("/item/public_token/exchange").get(0).body().contains("\"public_token\":\"public-sandbox-abc\""));
        }
    }

    @Test
    void aTokenSealedForAnotherItemFailsBeforeAnythingIsSent() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c)) {
            SealedToken forOther = f.cipher.seal("item-other", ACCESS_TOKEN);
            assertThrows(TokenDecryptionException.class, () -> itemGet(f, ITEM, forOther).await().atMost(WAIT));
            assertTrue(f.plaid.received().isEmpty());
            assertEquals(1, f.count(ITEM_GET, "request_error"));
        }
    }

    @Test
    void misuseFailsBeforeAnythingIsSent() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c)) {
            assertThrows(IllegalArgumentException.class, () -> f.gateway.call(PlaidEndpoint.ITEM_GET, PlaidCallContext.item(ITEM),
                    api -> api.itemGet(new ItemGetRequest())).await().atMost(WAIT));
            assertThrows(IllegalArgumentException.class, () -> f.gateway.call(PlaidEndpoint.ITEM_PUBLIC_TOKEN_EXCHANGE, PlaidCallContext.none(),
                    api -> api.itemPublicTokenExchange(new com.plaid.client.model.ItemPublicTokenExchangeRequest())).await().atMost(WAIT));
            assertThrows(IllegalArgumentException.class, () -> f.gateway.callWithAccessToken(PlaidEndpoint.WEBHOOK_VERIFICATION_KEY_GET, ITEM,
                    f.cipher.seal(ITEM, ACCESS_TOKEN), (api, t) -> api.webhookVerificationKeyGet(new WebhookVerificationKeyGetRequest()))
                    .await().atMost(WAIT));
            assertThrows(IllegalArgumentException.class, () -> f.gateway.exchangePublicToken(" ", PlaidCallContext.none()).await().atMost(WAIT));
            assertTrue(f.plaid.received().isEmpty());
        }
    }

    @Test
    void productionRefusesSandboxEndpoints() throws Exception {
        try (StubPlaid stub = new StubPlaid();
                GatewayFixture f = new GatewayFixture(stub, TestConfig.against("https://production.plaid.com/")
                        .set("tartan.plaid.environment", "production"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.gateway.call(
                    PlaidEndpoint.SANDBOX_PUBLIC_TOKEN_CREATE, PlaidCallContext.none(),
                    api -> api.sandboxPublicTokenCreate(new com.plaid.client.model.SandboxPublicTokenCreateRequest())).await().atMost(WAIT));
            assertTrue(e.getMessage().contains("only in the sandbox"));
        }
    }

    @Test
    void cancellingStopsTheCall() throws Exception {
        try (LogCapture logs = new LogCapture(); GatewayFixture f = GatewayFixture.start(c -> c)) {
            f.plaid.then(KEY_GET, verificationKeyOk("req-slow").delayed(3_000));
            assertThrows(io.smallrye.mutiny.TimeoutException.class,
                    () -> verificationKey(f.gateway).ifNoItem().after(Duration.ofMillis(300)).fail().await().atMost(WAIT));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!logs.text().contains("outcome=cancelled") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(logs.text().contains("endpoint=" + KEY_GET + " outcome=cancelled"), logs.text());
            assertEquals(1, f.plaid.received(KEY_GET).size(), "not retried after cancellation");
        }
    }
}
