package dev.tartan.ingest.api;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.ingest.IngestConfig;
import dev.tartan.ingest.ops.RejectionLog;
import dev.tartan.ingest.publish.Delivery;
import dev.tartan.ingest.publish.Publisher;
import dev.tartan.ingest.spool.SpoolWriter;
import dev.tartan.ingest.verification.RejectionReason;
import dev.tartan.ingest.verification.VerificationService;
import dev.tartan.ingest.verification.WebhookBody;
import dev.tartan.ingest.verification.WebhookRejectedException;
import dev.tartan.ingest.verification.WebhookVerifier;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /plaid/webhooks}: the only public door. Verify (REFERENCE 1) on the raw bytes, then parse, hand to the
 * spool writer (which sequences it and writes it only if Kafka is late), and answer 200 once the delivery is durable:
 * on Kafka when the broker acknowledges, else in the spool after {@code ack-wait} (the relay publishes it later). 503
 * only when neither spool nor Kafka took it.
 * Runs on the event loop and never blocks it: every wait is a future.
 */
@Path("/plaid/webhooks")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);
    public static final String HEADER = "Plaid-Verification";
    /** Plaid waits 10 s for an answer: answer before that even when the outcome is still open. */
    static final Duration PLAID_PATIENCE = Duration.ofSeconds(9);

    private final IngestConfig config;
    private final VerificationService verification;
    private final SpoolWriter spool;
    private final Publisher publisher;
    private final RejectionLog rejections;
    private final MeterRegistry registry;
    private final Counter spooled;
    private final Counter unavailable;
    private final Map<String, Counter> acceptedByTopic = new ConcurrentHashMap<>();
    private final Set<String> allowed;
    private final String source;

    public WebhookResource(IngestConfig config, VerificationService verification, SpoolWriter spool, Publisher publisher,
                           RejectionLog rejections, MeterRegistry registry,
                           @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.application.name") String source) {
        this.config = config;
        this.verification = verification;
        this.spool = spool;
        this.publisher = publisher;
        this.rejections = rejections;
        this.registry = registry;
        this.source = source;
        this.spooled = Counter.builder("tartan_webhooks_spooled_total")
                .description("deliveries answered 200 while only in the spool (Kafka slow or down)").register(registry);
        this.unavailable = Counter.builder("tartan_webhooks_unavailable_total")
                .description("verified deliveries answered 503: neither spool nor Kafka took them (Plaid retries)").register(registry);
        this.allowed = Set.copyOf(config.sources().allowed());
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> receive(byte[] body, @HeaderParam(HEADER) String jwt, @Context HttpServerRequest request) {
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        // the HTTP server span, read here on the request's context: verification completes on other threads
        SpanContext trace = Span.current().getSpanContext();
        byte[] raw = body == null ? new byte[0] : body;
        String from = sourceAddress(request);
        if (config.sources().allowListEnabled() && (from == null || !allowed.contains(from))) {
            return Uni.createFrom().item(reject(new WebhookRejectedException(RejectionReason.SOURCE_NOT_ALLOWED,
                    "source " + from + " not allowed"), from, raw));
        }
        if (raw.length > config.maxBodyBytes()) {
            return Uni.createFrom().item(reject(new WebhookRejectedException(RejectionReason.BODY_TOO_LARGE,
                    raw.length + " bytes > " + config.maxBodyBytes()), from, raw));
        }
        CompletableFuture<Response> answer = verification.verify(jwt, raw)
                .thenCompose(v -> accept(v.token(), raw, receivedAt, trace))
                .exceptionally(failure -> {
                    Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                    if (t instanceof WebhookRejectedException w) {
                        return reject(w, from, raw);
                    }
                    LOG.errorf(t, "unexpected failure while verifying a webhook from %s", from);
                    return reject(new WebhookRejectedException(RejectionReason.MALFORMED_JWT, "unverifiable: "
                            + t.getClass().getSimpleName()), from, raw);
                });
        return Uni.createFrom().completionStage(answer);
    }

    private CompletableFuture<Response> accept(WebhookVerifier.Token token, byte[] raw, Instant receivedAt, SpanContext trace) {
        WebhookBody body = WebhookBody.parse(raw); // throws WebhookRejectedException (400)
        String deliveryId = UUID.randomUUID().toString();
        String topic = Topics.forWebhookType(body.webhookType());
        String key = body.partitionKey() != null ? body.partitionKey() : deliveryId;
        String type = PlaidWebhookReceived.eventType(body.webhookType(), body.webhookCode());
        PlaidWebhookReceived payload = new PlaidWebhookReceived(deliveryId, body.webhookType(), body.webhookCode(),
                body.itemId(), key, token.bodySha256(), receivedAt, token.issuedAt(), token.kid(), body.environment(), body.text());
        String envelope = EventEnvelope.toJson(deliveryId, type, source, receivedAt, key, PlaidWebhookReceived.VERSION, payload);
        Delivery d = new Delivery(deliveryId, topic, key, type, envelope, receivedAt, traceparent(trace));
        if (!spool.submit(d)) {
            d.spoolFailed(new IllegalStateException("spool queue full"));
        }
        // The answer, decided by whichever comes first of the rules below; the Response is built once, from it.
        CompletableFuture<String> status = new CompletableFuture<>();
        // A committed Kafka transaction is durable on its own (acks=all, min.insync), whether or not the spool INSERT,
        // which runs at the same time, has committed yet: a spool row committing later is at or below the marker and
        // is deleted, never republished. published fails only when the record is certainly not on Kafka and has no
        // spool row (its transaction fenced and aborted, its INSERT failed): then 503, and Plaid's retry is no duplicate.
        d.published.whenComplete((ok, t) -> status.complete(t == null ? "published" : "unavailable"));
        // The spool's outcome as a value (null: row committed), not as a failed copy of d.spooled: most deliveries
        // are on Kafka before their row is due and d.spooled then fails, and every stage a failure passes through
        // wraps it in a new CompletionException, stack trace and all (a JFR profile found one per webhook).
        CompletableFuture<Throwable> spoolOutcome = new CompletableFuture<>();
        d.spooled.handle((ok, t) -> spoolOutcome.complete(t));
        spoolOutcome
                .orTimeout(config.publish().spoolTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((failure, timeout) -> {
                    if (d.published.isDone()) {
                        return null; // on Kafka (or certainly lost): the answer is the published callback's
                    }
                    Throwable t = timeout != null ? timeout : failure;
                    if (t == null) {
                        afterSpool(d, status);
                    } else {
                        spoolFailed(d, t, status);
                    }
                    return null;
                });
        return status.thenApply(s -> switch (s) {
            case "published" -> accepted(d, "published");
            case "spooled" -> {
                spooled.increment();
                yield accepted(d, "spooled");
            }
            default -> unavailable(d);
        });
    }

    /** Durable in the spool: wait for Kafka a little (when publishing live), then answer 200 either way. */
    private void afterSpool(Delivery d, CompletableFuture<String> status) {
        if (!publisher.live()) {
            status.complete("spooled");
            return;
        }
        d.published.copy()
                .orTimeout(config.publish().ackWait().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, t) -> status.complete(t == null ? "published" : "spooled"));
    }

    /**
     * The spool did not take the delivery (INSERT failed, writer refused it) or not in time. If the spool writer never
     * sequenced it, it is published directly (a transaction without a spool row). Either way only Kafka can make it
     * durable now — or, for a sequenced delivery whose INSERT is merely slow, that INSERT committing late. 503 only
     * when the publisher certainly never sends it: {@link Delivery#abandon()} after 2 × ack-wait, retried while the
     * outcome is open.
     */
    private void spoolFailed(Delivery d, Throwable spoolFailure, CompletableFuture<String> status) {
        if (d.takeDirect()) {
            LOG.warnf("spool unavailable (%s); publishing delivery %s directly", spoolFailure.getMessage(), d.deliveryId());
            publisher.offer(d);
        } else {
            // sequenced and handed to the publisher already: a late commit of its slow INSERT makes it durable too
            d.spooled.thenRun(() -> status.complete("spooled"));
        }
        abandonLater(d, status, config.publish().ackWait().multipliedBy(2));
    }

    private void abandonLater(Delivery d, CompletableFuture<String> status, Duration after) {
        CompletableFuture.delayedExecutor(after.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (status.isDone()) {
                return;
            }
            if (d.abandon()) {
                status.complete("unavailable");
            } else if (d.ageMillis() > PLAID_PATIENCE.toMillis()) {
                // Outcome still open (its transaction's fate unknown while the broker is away, or its INSERT hung).
                // Plaid stops waiting at 10 s and retries anyway, so a 503 now is no worse than silence.
                LOG.warnf("delivery %s: outcome unknown after %d ms; answering 503", d.deliveryId(), d.ageMillis());
                status.complete("unavailable");
            } else {
                // being sent (its transaction's outcome decides) or its INSERT may still commit: ask again later
                abandonLater(d, status, config.publish().ackWait());
            }
        });
    }

    /** W3C traceparent of the request's span, spooled with the delivery and sent as the record's header. */
    static String traceparent(SpanContext c) {
        if (!c.isValid()) {
            return null; // tracing off (the SDK disabled, as in tests): the record carries no header
        }
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    private Response accepted(Delivery d, String status) {
        acceptedByTopic.computeIfAbsent(d.topic(), t -> Counter.builder("tartan_webhooks_accepted_total").tag("topic", t)
                .description("verified webhook deliveries accepted (durable)").register(registry)).increment();
        // Written here, not by a JSON writer found per response: a UUID and one of two constants need no escaping.
        return Response.ok("{\"delivery_id\":\"" + d.deliveryId() + "\",\"status\":\"" + status + "\"}",
                MediaType.APPLICATION_JSON_TYPE).build();
    }

    private Response unavailable(Delivery d) {
        unavailable.increment();
        return Response.status(503).header("Retry-After", "30")
                .entity(Map.of("code", "spool_unavailable", "message", "neither the spool nor Kafka accepted the delivery; retry later"))
                .build();
    }

    private Response reject(WebhookRejectedException e, String from, byte[] raw) {
        RejectionReason reason = e.reason();
        rejections.record(new RejectionLog.Rejection(Instant.now(), reason, e.getMessage(), from, e.keyId(),
                raw.length <= config.maxBodyBytes() ? WebhookVerifier.sha256Hex(raw) : null, raw.length));
        LOG.debugf("webhook rejected (%s) from %s: %s", reason.code(), from, e.getMessage());
        return Response.status(reason.status())
                .entity(Map.of("code", reason.code(), "message", e.getMessage()))
                .type(MediaType.APPLICATION_JSON).build();
    }

    private String sourceAddress(HttpServerRequest request) {
        if (request == null) {
            return null;
        }
        if (config.sources().trustedProxyHeader().isPresent()) {
            String forwarded = request.getHeader(config.sources().trustedProxyHeader().get());
            if (forwarded != null && !forwarded.isBlank()) {
                return forwarded.split(",")[0].trim();
            }
        }
        return request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
    }
}
