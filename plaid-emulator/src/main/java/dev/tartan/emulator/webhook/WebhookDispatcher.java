package dev.tartan.emulator.webhook;

import dev.tartan.emulator.api.Ids;
import dev.tartan.emulator.config.EmulatorConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Delivers webhooks like Plaid: POST of the 2-space-indented body with a fresh {@code Plaid-Verification} JWS per
 * attempt; success is HTTP 200 within the timeout; after a failure the next attempt waits
 * {@code base × 4^(n-1)}; no attempt is planned beyond the retry window. Runs on its own scheduler threads, never on
 * the HTTP event loop.
 */
@ApplicationScoped
public class WebhookDispatcher {
    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);

    private final EmulatorConfig config;
    private final WebhookSigner signer;
    private final HttpClient http;
    private final ScheduledExecutorService scheduler;
    private final Map<String, WebhookDelivery> deliveries = new ConcurrentHashMap<>();

    public WebhookDispatcher(EmulatorConfig config, WebhookSigner signer) {
        this.config = config;
        this.signer = signer;
        this.http = HttpClient.newBuilder().connectTimeout(config.webhook().timeout())
                .version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger n = new AtomicInteger();
        this.scheduler = Executors.newScheduledThreadPool(config.webhook().deliveryThreads(), r -> {
            Thread t = new Thread(r, "webhook-delivery-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        scheduler.shutdownNow();
    }

    /** Queues {@code body} for delivery to {@code url} and returns the delivery (its first attempt starts at once). */
    public WebhookDelivery send(String url, Map<String, ?> body, String itemId) {
        String json = WebhookBodyWriter.write(body);
        WebhookDelivery delivery = new WebhookDelivery("whd_" + Ids.alnum(16), url,
                String.valueOf(body.get("webhook_type")), String.valueOf(body.get("webhook_code")), itemId, json,
                Instant.now());
        deliveries.put(delivery.id(), delivery);
        LOG.infof("webhook %s %s/%s item_id=%s -> %s", delivery.id(), delivery.webhookType(),
                delivery.webhookCode(), itemId, url);
        delivery.next(scheduler.schedule(() -> attempt(delivery), 0, TimeUnit.MILLISECONDS), Instant.now());
        return delivery;
    }

    private void attempt(WebhookDelivery delivery) {
        if (delivery.state() == WebhookDelivery.State.CANCELLED) {
            return;
        }
        int number = delivery.attempts().size() + 1;
        byte[] bytes = delivery.body().getBytes(StandardCharsets.UTF_8);
        String kid = signer.currentKey().kid();
        String jws = signer.sign(bytes);
        Instant start = Instant.now();
        Integer status = null;
        String error = null;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(delivery.url()))
                    .timeout(config.webhook().timeout())
                    .header("Content-Type", "application/json")
                    .header(WebhookSigner.HEADER, jws)
                    .header("User-Agent", "Plaid Verifier (tartan plaid-emulator)")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                    .build();
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            status = response.statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            error = "interrupted";
        } catch (Exception e) {
            error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        long ms = Duration.between(start, Instant.now()).toMillis();
        delivery.addAttempt(new WebhookDelivery.Attempt(number, start, status, error, ms, kid));
        if (status != null && status == 200) {
            delivery.state(WebhookDelivery.State.DELIVERED);
            delivery.finished();
            LOG.debugf("webhook %s delivered on attempt %d", delivery.id(), number);
            return;
        }
        Duration delay = retryDelay(number);
        Duration nextOffset = delivery.plannedOffset().plus(delay);
        if (delivery.state() == WebhookDelivery.State.CANCELLED) {
            return;
        }
        if (nextOffset.compareTo(config.webhook().retryWindow()) > 0) {
            delivery.state(WebhookDelivery.State.GAVE_UP);
            delivery.finished();
            LOG.warnf("webhook %s: giving up after %d attempts (last: %s)", delivery.id(), number,
                    status != null ? "HTTP " + status : error);
            return;
        }
        delivery.state(WebhookDelivery.State.RETRYING);
        delivery.plannedOffset(nextOffset);
        LOG.infof("webhook %s attempt %d failed (%s); retry in %s", delivery.id(), number,
                status != null ? "HTTP " + status : error, delay);
        delivery.next(scheduler.schedule(() -> attempt(delivery), delay.toMillis(), TimeUnit.MILLISECONDS),
                Instant.now().plus(delay));
    }

    /** Delay after failed attempt {@code n} (1-based): base × 4^(n-1). */
    Duration retryDelay(int failedAttempt) {
        long factor = 1L << (2 * Math.min(failedAttempt - 1, 20));
        return config.webhook().retryBaseInterval().multipliedBy(factor);
    }

    public Optional<WebhookDelivery> find(String id) {
        return Optional.ofNullable(deliveries.get(id));
    }

    /** The log, oldest first. */
    public List<WebhookDelivery> log() {
        List<WebhookDelivery> all = new ArrayList<>(deliveries.values());
        all.sort(Comparator.comparing(WebhookDelivery::createdAt));
        return all;
    }

    /** Cancels pending retries and forgets the log. */
    public void clear() {
        deliveries.values().forEach(WebhookDelivery::cancel);
        deliveries.clear();
    }
}
