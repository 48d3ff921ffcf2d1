package dev.tartan.ingest.api;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
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
import java.util.concurrent.TimeoutException;

/**
 * {@code POST /plaid/webhooks}: the only public door. Verify (REFERENCE 1) on the raw bytes, then parse, write ahead
 * to the spool, and answer 200 once the delivery is durable: on Kafka when the broker acknowledges within
 * {@code ack-wait}, else in the spool (the relay publishes it later). 503 only when neither spool nor Kafka took it.
 * Runs on the event loop and never blocks it: every wait is a future.
 */
@Path("/plaid/webhooks")
public class WebhookResource {

    private static final Logger LOG = Logger.getLogger(WebhookResource.class);
    public static final String HEADER = "Plaid-Verification";

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
        EventEnvelope envelope = new EventEnvelope(EventEnvelope.SPEC_VERSION, deliveryId, type, source, receivedAt, key,
                PlaidWebhookReceived.VERSION, EventJson.mapper().valueToTree(payload));
        Delivery d = new Delivery(deliveryId, topic, key, type, envelope.toJson(), receivedAt, traceparent(trace));
        if (!spool.submit(d)) {
            d.spooled.completeExceptionally(new IllegalStateException("spool queue full"));
        }
        return d.spooled
                .orTimeout(config.publish().spoolTimeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((ok, spoolFailure) -> spoolFailure == null ? afterSpool(d) : direct(d, spoolFailure))
                .thenCompose(f -> f);
    }

    /** Durable in the spool: wait for Kafka a little (when publishing live), then answer 200 either way. */
    private CompletableFuture<Response> afterSpool(Delivery d) {
        if (!publisher.live()) {
            spooled.increment();
            return CompletableFuture.completedFuture(accepted(d, "spooled"));
        }
        return d.published
                .orTimeout(config.publish().ackWait().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((ok, t) -> {
                    if (t == null) {
                        return accepted(d, "published");
                    }
                    spooled.increment();
                    return accepted(d, "spooled");
                });
    }

    /** Spool unavailable: only a Kafka commit makes this delivery durable; else 503 and Plaid retries. */
    private CompletableFuture<Response> direct(Delivery d, Throwable spoolFailure) {
        LOG.warnf("spool unavailable (%s); publishing delivery %s directly", spoolFailure.getMessage(), d.deliveryId());
        d.seq(-1);
        publisher.offer(d);
        Duration wait = config.publish().ackWait().multipliedBy(2);
        return d.published
                .orTimeout(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .handle((ok, t) -> {
                    if (t == null) {
                        return CompletableFuture.completedFuture(accepted(d, "published"));
                    }
                    if (t instanceof TimeoutException && !d.abandon()) {
                        // already inside a Kafka transaction: its outcome decides
                        return d.published.handle((ok2, t2) -> t2 == null ? accepted(d, "published") : unavailable(d));
                    }
                    return CompletableFuture.completedFuture(unavailable(d));
                })
                .thenCompose(f -> f);
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
        return Response.ok(Map.of("delivery_id", d.deliveryId(), "status", status)).build();
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
