package dev.tartan.beacon.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.testsupport.EmulatorClient;
import dev.tartan.testsupport.KafkaTestClient;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * Stands in for webhook-ingest: receives the emulator's BEACON webhooks over HTTP and publishes each delivery to
 * {@code plaid.webhooks.beacon} exactly as ingest does (envelope {@code plaid.webhook.BEACON.<CODE>}, data
 * {@link PlaidWebhookReceived} with the raw body, keyed by the Beacon id), when the test says so.
 */
public final class WebhookRelay implements AutoCloseable {

    private final HttpServer server;
    private final List<String> bodies = new ArrayList<>();
    private final KafkaTestClient kafka;

    public WebhookRelay(EmulatorClient emulator, KafkaTestClient kafka) throws IOException {
        this.kafka = kafka;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (bodies) {
                bodies.add(body);
                bodies.notifyAll();
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        emulator.post("/emulator/webhooks/default-url", Map.of("url", "http://127.0.0.1:" + server.getAddress().getPort() + "/hook"));
    }

    /** The first received BEACON webhook with this code whose id field equals {@code id} (any id when null). */
    public String await(String code, Predicate<JsonNode> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (bodies) {
            while (true) {
                for (String b : bodies) {
                    JsonNode n = read(b);
                    if (code.equals(n.path("webhook_code").asText()) && match.test(n)) {
                        return b;
                    }
                }
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("no BEACON " + code + " webhook within " + timeout + "; received " + bodies);
                }
                try {
                    bodies.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /** Publishes one delivery of {@code body} (a fresh delivery id unless given), as webhook-ingest would. */
    public String publish(String body, String deliveryId) {
        JsonNode n = read(body);
        String code = n.path("webhook_code").asText();
        String key = n.path("beacon_user_id").asText(n.path("beacon_report_id").asText(
                n.path("beacon_report_syndication_id").asText(n.path("beacon_duplicate_id").asText(null))));
        String id = deliveryId != null ? deliveryId : UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        PlaidWebhookReceived data = new PlaidWebhookReceived(id, "BEACON", code, null, key, sha256(body), now, now, "test-kid",
                n.path("environment").asText("sandbox"), body);
        EventEnvelope env = new EventEnvelope(EventEnvelope.SPEC_VERSION, id, PlaidWebhookReceived.eventType("BEACON", code),
                "webhook-ingest", now, key, PlaidWebhookReceived.VERSION, EventJson.mapper().valueToTree(data));
        kafka.send(Topics.PLAID_WEBHOOKS_BEACON, key, env.toJson());
        return id;
    }

    public static String userStatusUpdated(String beaconUserId) {
        return "{\"webhook_type\":\"BEACON\",\"webhook_code\":\"USER_STATUS_UPDATED\",\"beacon_user_id\":\"" + beaconUserId
                + "\",\"environment\":\"sandbox\"}";
    }

    private static JsonNode read(String s) {
        try {
            return EventJson.mapper().readTree(s);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
