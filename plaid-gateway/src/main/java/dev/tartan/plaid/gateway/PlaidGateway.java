package dev.tartan.plaid.gateway;

import com.plaid.client.ApiClient;
import com.plaid.client.model.ItemPublicTokenExchangeRequest;
import com.plaid.client.request.PlaidApi;
import dev.tartan.plaid.gateway.CallObserver.Attempt;
import dev.tartan.plaid.gateway.CallObserver.Outcome;
import dev.tartan.plaid.gateway.crypto.AccessTokenCipher;
import dev.tartan.contracts.SealedToken;
import dev.tartan.plaid.gateway.ratelimit.PlaidRateLimiter;
import dev.tartan.plaid.gateway.ratelimit.PlaidRateLimiter.Reservation;
import dev.tartan.plaid.gateway.ratelimit.RateLimit;
import dev.tartan.plaid.gateway.retry.RetryPolicy;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import okhttp3.OkHttpClient;
import retrofit2.Call;
import retrofit2.Response;

/**
 * The one way a Tartan service calls Plaid.
 *
 * <p>Each call: waits (without blocking) for a client-side rate-limit permit for its endpoint and Item,
 * runs plaid-java's blocking request on the gateway's own worker threads (never on an event loop),
 * retries 429, 5xx and I/O failures with exponential back-off and jitter (never other 4xx), logs and
 * times every attempt, and hands the result back on the caller's Vert.x context (the same event loop
 * and duplicated context, so a Hibernate Reactive session or a Kafka message context stays valid).
 * Without a Vert.x context the result arrives on a gateway thread.
 *
 * <p>Failures: {@link PlaidApiException} for Plaid's non-retryable errors; {@link PlaidUnavailableException}
 * for network failures, timeouts, exhausted retries and no permit in time;
 * {@link dev.tartan.plaid.gateway.crypto.TokenDecryptionException} for a token that does not open; an
 * {@link IllegalArgumentException} for misuse (wrong method for the endpoint), before anything is sent.
 *
 * <p>Access tokens are opened on the worker thread, just before the request is built, and exist in
 * clear nowhere else. Plaid calls are not idempotent in general: a retry after a timeout may find the
 * work done (for example {@code ITEM_NOT_FOUND} from a repeated {@code /item/remove}); callers treat
 * such answers as success where that is what they mean.
 */
@Startup
@ApplicationScoped
public class PlaidGateway {

    /**
     * Proof that the caller is the gateway: only this class can make one, and
     * {@link AccessTokenCipher#open(String, SealedToken, GatewayOnly)} requires it, so no service opens an
     * access token by accident.
     */
    public static final class GatewayOnly {
        private GatewayOnly() {
        }
    }

    private static final GatewayOnly GATEWAY_ONLY = new GatewayOnly();

    private final PlaidApi plaid;
    private final OkHttpClient http;
    private final AccessTokenCipher cipher;
    private final PlaidRateLimiter rateLimiter;
    private final RetryPolicy retry;
    private final CallObserver observer;
    private final PlaidEnvironment environment;
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService timer;

    @Inject
    public PlaidGateway(PlaidGatewayConfig config, AccessTokenCipher cipher, MeterRegistry meters) {
        this.cipher = Objects.requireNonNull(cipher, "cipher");
        this.environment = config.environment();
        URI baseUrl = validBaseUrl(config.baseUrl(), config.environment());
        String clientId = required(config.clientId(), "tartan.plaid.client-id", "TARTAN_PLAID_CLIENT_ID");
        String secret = required(config.secret(), "tartan.plaid.secret", "TARTAN_PLAID_SECRET");
        if (config.workerThreads() < 1) {
            throw new IllegalStateException("tartan.plaid.worker-threads must be at least 1, was " + config.workerThreads());
        }
        try {
            // jitter is drawn on timer and worker threads: each uses its own ThreadLocalRandom
            this.retry = new RetryPolicy(config.retry().maxAttempts(), config.retry().initialBackoff(), config.retry().maxBackoff(),
                    () -> ThreadLocalRandom.current().nextLong());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        this.rateLimiter = new PlaidRateLimiter(rateLimits(config.rateLimits()), config.rateLimitWindow(), config.rateLimitMaxWait(),
                System::nanoTime);
        this.observer = new CallObserver(meters);

        this.http = new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .writeTimeout(config.writeTimeout())
                .build();
        ApiClient apiClient = new ApiClient(Map.of("clientId", clientId, "secret", secret));
        apiClient.configureFromOkclient(http); // our timeouts, plaid-java's credential interceptors
        // before createService: the service captures the adapter. plaid-java prints a warning for any URL
        // not spelled exactly like its constants (no trailing slash), so hand those over in its spelling
        String adapterUrl = baseUrl.toString();
        if (adapterUrl.equals(ApiClient.Sandbox + "/") || adapterUrl.equals(ApiClient.Production + "/")) {
            adapterUrl = adapterUrl.substring(0, adapterUrl.length() - 1);
        }
        apiClient.setPlaidAdapter(adapterUrl);
        this.plaid = apiClient.createService(PlaidApi.class);

        this.workers = new ThreadPoolExecutor(config.workerThreads(), config.workerThreads(), 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), daemonThreads("plaid-gateway-worker-"));
        this.workers.allowCoreThreadTimeOut(true);
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, daemonThreads("plaid-gateway-timer-"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.timer = scheduler;
    }

    /**
     * Calls an endpoint that needs no access token ({@code /link/token/create}, {@code /webhook_verification_key/get},
     * Beacon user create/get, {@code /sandbox/public_token/create}, ...). For {@code /item/public_token/exchange}
     * use {@link #exchangePublicToken}.
     *
     * @param ctx     identifiers to log; its {@code itemId}, when set, also selects the per-Item rate limit
     * @param request builds the request from plaid-java's {@link PlaidApi}; runs on a gateway thread, once per attempt
     */
    public <T> Uni<T> call(PlaidEndpoint endpoint, PlaidCallContext ctx, Function<PlaidApi, Call<T>> request) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(request, "request");
        if (endpoint == PlaidEndpoint.ITEM_PUBLIC_TOKEN_EXCHANGE) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    "use PlaidGateway.exchangePublicToken: the access token it returns must be sealed inside the gateway"));
        }
        if (endpoint.accessToken() == PlaidEndpoint.AccessToken.REQUIRED) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    endpoint.path() + " takes an access token: use PlaidGateway.callWithAccessToken"));
        }
        return execute(endpoint, ctx == null ? PlaidCallContext.none() : ctx, request);
    }

    /**
     * Calls an endpoint with an Item's access token. The token is opened here, on a gateway thread, just
     * before {@code request} builds the request, and given to it as the second argument.
     *
     * @param itemId the Item the token belongs to (the associated data it was sealed with; also logged and
     *               used for the per-Item rate limit)
     */
    public <T> Uni<T> callWithAccessToken(PlaidEndpoint endpoint, String itemId, SealedToken token,
            BiFunction<PlaidApi, String, Call<T>> request) {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(request, "request");
        if (endpoint.accessToken() == PlaidEndpoint.AccessToken.NONE) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    endpoint.path() + " takes no access token: use PlaidGateway.call"));
        }
        if (itemId == null || itemId.isBlank() || token == null) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    endpoint.path() + ": an Item id and its sealed access token are required"));
        }
        return execute(endpoint, PlaidCallContext.item(itemId),
                api -> request.apply(api, cipher.open(itemId, token, GATEWAY_ONLY)));
    }

    /**
     * Exchanges a public token from Link's {@code onSuccess}. The access token is sealed for the new
     * Item before anything leaves the gateway.
     */
    public Uni<ExchangedItem> exchangePublicToken(String publicToken, PlaidCallContext ctx) {
        if (publicToken == null || publicToken.isBlank()) {
            return Uni.createFrom().failure(new IllegalArgumentException("a public token is required"));
        }
        return execute(PlaidEndpoint.ITEM_PUBLIC_TOKEN_EXCHANGE, ctx == null ? PlaidCallContext.none() : ctx,
                api -> api.itemPublicTokenExchange(new ItemPublicTokenExchangeRequest().publicToken(publicToken)),
                // sealed on the gateway thread: the response holding the clear token never reaches the caller
                response -> {
                    if (response.getItemId() == null || response.getAccessToken() == null) {
                        throw new IllegalStateException("Plaid's exchange answer has no item_id or access_token");
                    }
                    return new ExchangedItem(response.getItemId(), cipher.seal(response.getItemId(), response.getAccessToken()),
                            response.getRequestId());
                });
    }

    private <T> Uni<T> execute(PlaidEndpoint endpoint, PlaidCallContext ctx, Function<PlaidApi, Call<T>> request) {
        return execute(endpoint, ctx, request, Function.identity());
    }

    /** @param onSuccess turns Plaid's answer into the result, on the gateway thread */
    private <T, R> Uni<R> execute(PlaidEndpoint endpoint, PlaidCallContext ctx, Function<PlaidApi, Call<T>> request,
            Function<T, R> onSuccess) {
        if (environment == PlaidEnvironment.PRODUCTION && endpoint.isSandboxOnly()) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    endpoint.path() + " exists only in the sandbox; tartan.plaid.environment is production"));
        }
        return Uni.createFrom().emitter(emitter -> {
            // captured at subscription: that is where the caller is waiting for the answer
            Invocation<T, R> invocation = new Invocation<>(endpoint, ctx, request, onSuccess, emitter, Vertx.currentContext());
            emitter.onTermination(invocation::cancel);
            invocation.nextAttempt();
        });
    }

    /** One logical call: attempts, waits and retries, until it completes, fails or is cancelled. */
    private final class Invocation<T, R> {
        private final PlaidEndpoint endpoint;
        private final PlaidCallContext ctx;
        private final Function<PlaidApi, Call<T>> request;
        private final Function<T, R> onSuccess;
        private final UniEmitter<? super R> emitter;
        private final Context callerContext;
        private final long startNanos = System.nanoTime();
        // attempts hand over from thread to thread (timer, worker) strictly one after another
        private volatile int attempt;
        private volatile boolean cancelled;
        private volatile boolean done;
        private volatile Call<T> inFlight;

        Invocation(PlaidEndpoint endpoint, PlaidCallContext ctx, Function<PlaidApi, Call<T>> request, Function<T, R> onSuccess,
                UniEmitter<? super R> emitter, Context callerContext) {
            this.endpoint = endpoint;
            this.ctx = ctx;
            this.request = request;
            this.onSuccess = onSuccess;
            this.emitter = emitter;
            this.callerContext = callerContext;
        }

        void nextAttempt() {
            if (cancelled) {
                return;
            }
            attempt++;
            Reservation permit = rateLimiter.reserve(endpoint, ctx.itemId());
            if (!permit.granted()) {
                RateLimit limit = rateLimiter.limitOf(endpoint);
                record(Outcome.LOCAL_RATE_LIMITED, null, null, null, null, 0, null,
                        "no permit within tartan.plaid.rate-limit-max-wait; next slot in " + permit.delay().toMillis() + " ms");
                fail(new PlaidUnavailableException(endpoint, PlaidUnavailableException.Reason.RATE_LIMIT_WAIT, attempt - 1,
                        "the client-side limit (" + limit.perClient() + "/client, " + limit.perItem() + "/Item per window) has no free slot for "
                                + permit.delay().toMillis() + " ms, more than the allowed wait", null));
                return;
            }
            if (permit.delay().isZero()) {
                dispatch();
            } else {
                observer.waitedForPermit(endpoint, permit.delay());
                schedule(this::dispatch, permit.delay());
            }
        }

        private void dispatch() {
            if (cancelled) {
                return;
            }
            try {
                workers.execute(this::send);
            } catch (RejectedExecutionException e) {
                fail(new PlaidUnavailableException(endpoint, PlaidUnavailableException.Reason.NETWORK, attempt - 1,
                        "the gateway is shutting down", e));
            }
        }

        /** On a worker thread: the only place plaid-java's blocking code runs. */
        private void send() {
            if (cancelled) {
                return;
            }
            long t0 = System.nanoTime();
            Call<T> call;
            try {
                call = request.apply(plaid);
            } catch (RuntimeException e) {
                record(Outcome.REQUEST_ERROR, null, null, null, null, System.nanoTime() - t0, null, e.getClass().getSimpleName());
                fail(e);
                return;
            }
            Response<T> response;
            inFlight = call;
            try {
                if (cancelled) {
                    call.cancel();
                }
                response = call.execute();
            } catch (IOException e) {
                long latency = System.nanoTime() - t0;
                if (cancelled) {
                    record(Outcome.CANCELLED, null, null, null, null, latency, null, null);
                    return;
                }
                boolean timeout = e instanceof InterruptedIOException;
                retryOrGiveUp(timeout ? Outcome.TIMEOUT : Outcome.NETWORK_ERROR, null, null, latency,
                        timeout ? PlaidUnavailableException.Reason.TIMEOUT : PlaidUnavailableException.Reason.NETWORK,
                        e, null, e.getClass().getSimpleName() + ": " + e.getMessage());
                return;
            } catch (RuntimeException e) {
                // a 2xx whose JSON did not parse: retrying reads the same answer
                record(Outcome.INVALID_RESPONSE, null, null, null, null, System.nanoTime() - t0, null, e.getClass().getSimpleName());
                fail(new PlaidUnavailableException(endpoint, PlaidUnavailableException.Reason.INVALID_RESPONSE, attempt,
                        "Plaid's answer did not parse", e));
                return;
            } finally {
                inFlight = null;
            }
            long latency = System.nanoTime() - t0;

            if (response.isSuccessful()) {
                T body = response.body();
                String requestId = PlaidErrors.requestIdOf(body);
                String itemId = ctx.itemId() != null ? ctx.itemId() : PlaidErrors.itemIdOf(body);
                R result;
                try {
                    result = onSuccess.apply(body);
                } catch (RuntimeException e) {
                    record(Outcome.INVALID_RESPONSE, response.code(), requestId, itemId, null, latency, null, e.getMessage());
                    fail(new PlaidUnavailableException(endpoint, PlaidUnavailableException.Reason.INVALID_RESPONSE, attempt, e.getMessage(), e));
                    return;
                }
                record(Outcome.SUCCESS, response.code(), requestId, itemId, null, latency, null, null);
                complete(result);
                return;
            }

            PlaidApiException error = PlaidErrors.fromResponse(endpoint, response);
            if (!error.isRetryable()) {
                record(Outcome.PLAID_ERROR, error.httpStatus(), error.requestId(), null, error, latency, null, null);
                fail(error);
                return;
            }
            retryOrGiveUp(error.httpStatus() == 429 ? Outcome.RATE_LIMITED : Outcome.SERVER_ERROR, error.httpStatus(), error, latency,
                    PlaidUnavailableException.Reason.PLAID_ERROR, error, PlaidErrors.retryAfter(response), null);
        }

        private void retryOrGiveUp(Outcome outcome, Integer status, PlaidApiException error, long latency,
                PlaidUnavailableException.Reason reason, Throwable cause, Duration retryAfter, String detail) {
            String requestId = error == null ? null : error.requestId();
            if (!cancelled && retry.mayRetryAfter(attempt)) {
                Duration backoff = retry.backoffAfter(attempt, retryAfter);
                record(outcome, status, requestId, null, error, latency, backoff, detail);
                schedule(this::nextAttempt, backoff);
                return;
            }
            record(outcome, status, requestId, null, error, latency, null, detail);
            fail(new PlaidUnavailableException(endpoint, reason, attempt,
                    error != null ? "Plaid still answered " + error.httpStatus() + " " + error.errorCode() + " after the last attempt"
                            : String.valueOf(cause.getMessage()), cause));
        }

        private void schedule(Runnable task, Duration delay) {
            try {
                timer.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                fail(new PlaidUnavailableException(endpoint, PlaidUnavailableException.Reason.NETWORK, attempt - 1,
                        "the gateway is shutting down", e));
            }
        }

        private void record(Outcome outcome, Integer status, String requestId, String itemId, PlaidApiException error,
                long latencyNanos, Duration retryIn, String detail) {
            observer.attemptFinished(new Attempt(endpoint, ctx, attempt, retry.maxAttempts(), outcome, status, requestId, itemId,
                    error == null ? null : error.errorType(), error == null ? null : error.errorCode(), latencyNanos, retryIn,
                    System.nanoTime() - startNanos, detail));
        }

        void cancel() {
            if (done) {
                return;
            }
            cancelled = true;
            Call<T> call = inFlight;
            if (call != null) {
                call.cancel();
            }
        }

        private void complete(R value) {
            done = true;
            deliver(() -> emitter.complete(value));
        }

        private void fail(Throwable failure) {
            done = true;
            deliver(() -> emitter.fail(failure));
        }

        /** Back on the caller's context (its event loop), or right here when the caller had none. */
        private void deliver(Runnable emission) {
            if (callerContext != null) {
                callerContext.runOnContext(ignored -> emission.run());
            } else {
                emission.run();
            }
        }
    }

    @PreDestroy
    void close() {
        workers.shutdownNow();
        timer.shutdownNow();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }

    private static Map<PlaidEndpoint, RateLimit> rateLimits(Map<String, PlaidGatewayConfig.EndpointRateLimit> overrides) {
        Map<PlaidEndpoint, RateLimit> limits = new EnumMap<>(PlaidEndpoint.class);
        for (PlaidEndpoint endpoint : PlaidEndpoint.values()) {
            limits.put(endpoint, new RateLimit(endpoint.defaultPerClientPerMinute(), endpoint.defaultPerItemPerMinute()));
        }
        overrides.forEach((key, override) -> {
            PlaidEndpoint endpoint;
            try {
                endpoint = PlaidEndpoint.fromConfigKey(key);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("tartan.plaid.rate-limits.\"" + key + "\" names no Plaid endpoint the gateway knows;"
                        + " use the endpoint's path, for example tartan.plaid.rate-limits.\"/item/remove\".per-item-per-minute");
            }
            RateLimit current = limits.get(endpoint);
            int perClient = override.perClientPerMinute().orElse(current.perClient());
            int perItem = override.perItemPerMinute().orElse(current.perItem());
            if (perClient < 0 || perItem < 0) {
                throw new IllegalStateException("tartan.plaid.rate-limits.\"" + key + "\" cannot be negative (0 means no limit)");
            }
            limits.put(endpoint, new RateLimit(perClient, perItem));
        });
        return limits;
    }

    static URI validBaseUrl(String baseUrl, PlaidEnvironment environment) {
        URI uri;
        try {
            uri = URI.create(baseUrl.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("tartan.plaid.base-url '" + baseUrl + "' is not a URL (env TARTAN_PLAID_BASE_URL)");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase();
        if (!(scheme.equals("http") || scheme.equals("https")) || host.isEmpty()) {
            throw new IllegalStateException("tartan.plaid.base-url '" + baseUrl + "' is not an http(s) URL (env TARTAN_PLAID_BASE_URL)");
        }
        boolean plaidHost = host.equals("plaid.com") || host.endsWith(".plaid.com");
        switch (environment) {
            case PRODUCTION -> {
                if (!scheme.equals("https") || host.equals("sandbox.plaid.com")) {
                    throw new IllegalStateException("tartan.plaid.environment is production but tartan.plaid.base-url is '" + baseUrl
                            + "': set tartan.plaid.base-url=" + ApiClient.Production + "/ (env TARTAN_PLAID_BASE_URL)");
                }
            }
            case SANDBOX -> {
                if (host.equals("production.plaid.com")) {
                    throw new IllegalStateException("tartan.plaid.environment is sandbox but tartan.plaid.base-url points at production:"
                            + " set tartan.plaid.environment=production, or tartan.plaid.base-url=" + ApiClient.Sandbox + "/");
                }
            }
            case EMULATOR -> {
                if (plaidHost) {
                    throw new IllegalStateException("tartan.plaid.environment is emulator but tartan.plaid.base-url is '" + baseUrl
                            + "': set tartan.plaid.base-url to the emulator's URL (env TARTAN_PLAID_BASE_URL)");
                }
            }
        }
        return uri;
    }

    private static String required(String value, String property, String env) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(property + " is empty: set it (env " + env + ")");
        }
        return value.strip();
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
