package dev.tartan.plaid.gateway;

import static dev.tartan.plaid.gateway.StubPlaid.plaidError;
import static dev.tartan.plaid.gateway.StubPlaid.verificationKeyOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.plaid.client.model.WebhookVerificationKeyGetRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.impl.ContextInternal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * plaid-java blocks: the gateway must run it off the event loop and hand the result back on the
 * caller's Vert.x context (the duplicated context Quarkus gives each request or message, with its locals).
 */
class EventLoopTest {

    Vertx vertx;

    record Observed(Object value, Throwable failure, Thread thread, Context context, boolean onEventLoop, String local) {
    }

    @BeforeEach
    void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void callRunsOnAWorkerAndResumesOnTheCallersDuplicatedContext() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c)) {
            f.plaid.then("/webhook_verification_key/get", verificationKeyOk("req-ctx").delayed(300));
            ContextInternal caller = ((ContextInternal) vertx.getOrCreateContext()).duplicate();
            caller.putLocal("tx", "session-1");

            AtomicReference<Thread> bodyThread = new AtomicReference<>();
            AtomicBoolean bodyOnEventLoop = new AtomicBoolean(true);
            AtomicReference<Context> bodyContext = new AtomicReference<>();
            AtomicReference<Thread> callerThread = new AtomicReference<>();
            AtomicBoolean eventLoopFreeMeanwhile = new AtomicBoolean();
            CompletableFuture<Observed> result = new CompletableFuture<>();

            caller.runOnContext(v -> {
                callerThread.set(Thread.currentThread());
                f.gateway.call(PlaidEndpoint.WEBHOOK_VERIFICATION_KEY_GET, PlaidCallContext.none(), api -> {
                    bodyThread.set(Thread.currentThread());
                    bodyOnEventLoop.set(Context.isOnEventLoopThread());
                    bodyContext.set(Vertx.currentContext());
                    return api.webhookVerificationKeyGet(new WebhookVerificationKeyGetRequest().keyId("kid-1"));
                }).subscribe().with(
                        value -> result.complete(observe(value, null)),
                        failure -> result.complete(observe(null, failure)));
                // while Plaid takes 300 ms, the event loop keeps serving
                vertx.setTimer(50, id -> eventLoopFreeMeanwhile.set(!result.isDone()));
            });

            Observed observed = result.get(20, TimeUnit.SECONDS);
            assertNull(observed.failure());
            assertTrue(bodyThread.get().getName().startsWith("plaid-gateway-worker-"), bodyThread.get().getName());
            assertFalse(bodyOnEventLoop.get(), "plaid-java ran on an event loop");
            assertNull(bodyContext.get(), "the request body runs outside any Vert.x context");
            assertTrue(eventLoopFreeMeanwhile.get(), "the event loop was blocked during the call");

            assertSame(caller, observed.context(), "the result arrives on the caller's (duplicated) context");
            assertSame(callerThread.get(), observed.thread(), "on the caller's event-loop thread");
            assertTrue(observed.onEventLoop());
            assertEquals("session-1", observed.local(), "context locals (e.g. a Hibernate Reactive session) survive");
        }
    }

    @Test
    void failuresAlsoResumeOnTheCallersContext() throws Exception {
        try (GatewayFixture f = GatewayFixture.start(c -> c)) {
            f.plaid.then("/webhook_verification_key/get", plaidError(400, "INVALID_INPUT", "INVALID_WEBHOOK_VERIFICATION_KEY_ID", "req-bad"));
            Context caller = vertx.getOrCreateContext();
            CompletableFuture<Observed> result = new CompletableFuture<>();
            caller.runOnContext(v -> f.gateway.call(PlaidEndpoint.WEBHOOK_VERIFICATION_KEY_GET, PlaidCallContext.none(),
                    api -> api.webhookVerificationKeyGet(new WebhookVerificationKeyGetRequest().keyId("nope")))
                    .subscribe().with(value -> result.complete(observe(value, null)), failure -> result.complete(observe(null, failure))));

            Observed observed = result.get(20, TimeUnit.SECONDS);
            PlaidApiException e = assertInstanceOf(PlaidApiException.class, observed.failure());
            assertEquals("req-bad", e.requestId());
            assertSame(caller, observed.context());
            assertTrue(observed.onEventLoop());
        }
    }

    private static Observed observe(Object value, Throwable failure) {
        Context context = Vertx.currentContext();
        String local = context == null ? null : context.getLocal("tx");
        return new Observed(value, failure, Thread.currentThread(), context, Context.isOnEventLoopThread(), local);
    }
}
