package dev.tartan.plaid.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * One log line and one timer sample per request sent to Plaid (and per call that never got a permit).
 * Carries the endpoint, the outcome, the latency, Plaid's {@code request_id} and the Plaid identifiers
 * of the {@link PlaidCallContext}; never a token, a secret or a request or response body. The same
 * fields go into the MDC (as {@code plaid.*}) for JSON logs.
 */
final class CallObserver {

    /** Log category, for level tuning: {@code quarkus.log.category."dev.tartan.plaid.gateway".level}. */
    static final String LOG_CATEGORY = "dev.tartan.plaid.gateway";
    /** Prometheus: {@code tartan_plaid_calls_seconds_{count,sum,max,bucket}{endpoint,outcome,error_code}}. */
    static final String CALLS_METRIC = "tartan.plaid.calls";
    /** Prometheus: {@code tartan_plaid_rate_limit_wait_seconds_*{endpoint}}: time calls waited for a client-side permit. */
    static final String RATE_LIMIT_WAIT_METRIC = "tartan.plaid.rate_limit.wait";

    private static final Logger LOG = Logger.getLogger(LOG_CATEGORY);

    /** What happened to one attempt. The names are the {@code outcome} tag and log field. */
    enum Outcome {
        SUCCESS("success"),
        /** 4xx other than 429: Plaid's verdict, not retried. */
        PLAID_ERROR("plaid_error"),
        /** 429 from Plaid. */
        RATE_LIMITED("rate_limited"),
        /** 5xx from Plaid. */
        SERVER_ERROR("server_error"),
        NETWORK_ERROR("network_error"),
        TIMEOUT("timeout"),
        INVALID_RESPONSE("invalid_response"),
        /** No client-side permit within the maximum wait: nothing was sent. */
        LOCAL_RATE_LIMITED("local_rate_limited"),
        /** The request could not be built (bad sealed token, a bug in the request function): nothing was sent. */
        REQUEST_ERROR("request_error"),
        CANCELLED("cancelled");

        final String tag;

        Outcome(String tag) {
            this.tag = tag;
        }
    }

    /** One finished attempt; nullable fields are left out of the log line. */
    record Attempt(PlaidEndpoint endpoint, PlaidCallContext ctx, int attempt, int maxAttempts, Outcome outcome,
            Integer httpStatus, String requestId, String itemId, String errorType, String errorCode, long latencyNanos,
            Duration retryIn, long totalNanos, String detail) {
    }

    private final MeterRegistry meters;

    CallObserver(MeterRegistry meters) {
        this.meters = meters;
    }

    void attemptFinished(Attempt a) {
        Timer.builder(CALLS_METRIC)
                .description("Requests to Plaid by endpoint and outcome (one sample per attempt)")
                .tag("endpoint", a.endpoint().path())
                .tag("outcome", a.outcome().tag)
                .tag("error_code", a.errorCode() == null ? "none" : a.errorCode())
                // buckets for p99 across replicas (histogram_quantile); bounded so each series adds ~30 buckets
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(5))
                .maximumExpectedValue(Duration.ofSeconds(30))
                .register(meters)
                .record(a.latencyNanos(), TimeUnit.NANOSECONDS);
        log(a);
    }

    void waitedForPermit(PlaidEndpoint endpoint, Duration wait) {
        Timer.builder(RATE_LIMIT_WAIT_METRIC)
                .description("Time calls to Plaid waited for a client-side rate-limit permit")
                .tag("endpoint", endpoint.path())
                .register(meters)
                .record(wait);
    }

    private void log(Attempt a) {
        Logger.Level level = switch (a.outcome()) {
            case SUCCESS -> Logger.Level.INFO;
            case CANCELLED -> Logger.Level.DEBUG;
            default -> a.retryIn() != null ? Logger.Level.WARN : (a.outcome() == Outcome.PLAID_ERROR ? Logger.Level.WARN : Logger.Level.ERROR);
        };
        if (!LOG.isEnabled(level)) {
            return;
        }
        PlaidCallContext ctx = a.ctx();
        String itemId = a.itemId() != null ? a.itemId() : ctx.itemId();
        StringBuilder line = new StringBuilder(160).append("plaid call");
        field(line, "endpoint", a.endpoint().path());
        field(line, "outcome", a.outcome().tag);
        field(line, "http_status", a.httpStatus());
        field(line, "attempt", a.attempt() + "/" + a.maxAttempts());
        field(line, "latency_ms", TimeUnit.NANOSECONDS.toMillis(a.latencyNanos()));
        field(line, "request_id", a.requestId());
        field(line, "item_id", itemId);
        field(line, "link_session_id", ctx.linkSessionId());
        field(line, "account_id", ctx.accountId());
        field(line, "client_user_id", ctx.clientUserId());
        field(line, "error_type", a.errorType());
        field(line, "error_code", a.errorCode());
        if (a.retryIn() != null) {
            field(line, "retry_in_ms", a.retryIn().toMillis());
        } else {
            field(line, "total_ms", TimeUnit.NANOSECONDS.toMillis(a.totalNanos()));
        }
        if (a.detail() != null) {
            line.append(" detail=\"").append(a.detail().replace('"', '\'')).append('"');
        }
        put("plaid.endpoint", a.endpoint().path());
        put("plaid.outcome", a.outcome().tag);
        put("plaid.request_id", a.requestId());
        put("plaid.item_id", itemId);
        put("plaid.link_session_id", ctx.linkSessionId());
        put("plaid.account_id", ctx.accountId());
        try {
            LOG.log(level, line.toString());
        } finally {
            MDC.remove("plaid.endpoint");
            MDC.remove("plaid.outcome");
            MDC.remove("plaid.request_id");
            MDC.remove("plaid.item_id");
            MDC.remove("plaid.link_session_id");
            MDC.remove("plaid.account_id");
        }
    }

    private static void field(StringBuilder line, String name, Object value) {
        if (value != null) {
            line.append(' ').append(name).append('=').append(value);
        }
    }

    private static void put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
        }
    }
}
