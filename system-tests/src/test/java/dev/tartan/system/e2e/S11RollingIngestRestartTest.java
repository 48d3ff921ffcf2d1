package dev.tartan.system.e2e;

import static dev.tartan.system.e2e.E2e.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.tartan.contracts.Topics;
import dev.tartan.system.harness.Http;
import dev.tartan.system.harness.Journey;
import dev.tartan.system.harness.TartanSystem;

/**
 * Rolling restart of webhook-ingest under load (issue #12). Two ingest instances (each its own instance id, spool
 * rows and Kafka transactional id) sit behind a front door that does what a Kubernetes Service does: round robin
 * over the instances in rotation, an instance taken out of rotation before it gets SIGTERM (the readiness/preStop
 * step), a refused connection tried on the other instance. The emulator delivers signed webhooks through the front
 * door while each instance in turn is stopped gracefully and started again. Every delivery must succeed at its first
 * attempt (Plaid sees no failure), and each webhook must be on Kafka exactly once.
 */
@Order(11)
@Tag("e2e")
class S11RollingIngestRestartTest {

    private static final int FRONT_DOOR_PORT = 28099;
    private static final int RATE_PER_SECOND = 40;

    @Test
    void rollingRestartOfTwoIngestInstancesFailsNoWebhookAndDuplicatesNone() throws Exception {
        TartanSystem sys = E2e.system();
        Journey j = E2e.journey();
        Http quiet = new Http(c -> { });
        String user = E2e.user("s11");
        String itemId = j.linkBank(user, Journey.DEFAULT_INSTITUTION, List.of("0000"), List.of("auth")).itemId();
        j.awaitItemStatus(user, itemId, "HEALTHY", WAIT);

        String replica = sys.addReplica(TartanSystem.INGEST);
        FrontDoor door = new FrontDoor(sys, List.of(TartanSystem.INGEST, replica));
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> markers = new CopyOnWriteArrayList<>();
        List<String> deliveryIds = new CopyOnWriteArrayList<>();
        AtomicBoolean firing = new AtomicBoolean(true);
        String emulator = sys.url(TartanSystem.EMULATOR);
        // Plaid delivers to the Item's webhook URL: here the front door, as an Ingress would be
        String frontDoor = "http://127.0.0.1:" + FRONT_DOOR_PORT + "/plaid/webhooks";
        Thread load = new Thread(() -> {
            long next = System.nanoTime();
            int i = 0;
            while (firing.get()) {
                String marker = "s11m-" + run + "-" + (i++) + "-end";
                JsonNode fired = quiet.post(emulator + "emulator/webhooks/fire", null, Map.of(
                        "webhook_type", "TRANSACTIONS", "webhook_code", "SYNC_UPDATES_AVAILABLE", "item_id", itemId,
                        "fields", Map.of("tartan_test_marker", marker), "url", frontDoor)).expect(200).json();
                markers.add(marker);
                deliveryIds.add(fired.path("delivery_id").asText());
                next += 1_000_000_000L / RATE_PER_SECOND;
                long sleep = next - System.nanoTime();
                if (sleep > 0) {
                    TartanSleep.quiet(Duration.ofNanos(sleep));
                }
            }
        }, "s11-load");
        try {
            load.start();
            TartanSleep.quiet(Duration.ofSeconds(5));
            for (String instance : List.of(TartanSystem.INGEST, replica)) {
                door.outOfRotation(instance);
                TartanSleep.quiet(Duration.ofSeconds(1)); // what the preStop pause is for: callers stop choosing it
                sys.restart(instance); // SIGTERM, drain within the shutdown timeout, start, ready
                door.intoRotation(instance);
                TartanSleep.quiet(Duration.ofSeconds(5));
            }
            firing.set(false);
            load.join();

            // every delivery succeeded at its first attempt: Plaid never saw a failure
            int retried = 0;
            for (String id : deliveryIds) {
                JsonNode d = j.awaitDelivered(id, WAIT);
                JsonNode attempts = d.path("attempts");
                if (attempts.size() != 1 || attempts.get(0).path("status").asInt() != 200) {
                    retried++;
                    System.out.println("  delivery needed more than one attempt: " + d);
                }
            }
            assertEquals(0, retried, "deliveries that failed at least once (of " + deliveryIds.size() + ")");
            assertEquals(0, door.failures.get(), "requests the front door answered with an error: " + door.errors);

            // each webhook exactly once on Kafka
            Map<String, Integer> seen = readMarkers(sys, run, markers.size(), Duration.ofSeconds(90));
            List<String> missing = markers.stream().filter(m -> !seen.containsKey(m)).toList();
            Map<String, Integer> duplicated = new TreeMap<>();
            seen.forEach((m, n) -> {
                if (n > 1) {
                    duplicated.put(m, n);
                }
            });
            assertEquals(List.of(), missing, "webhooks accepted (200) but not on Kafka");
            assertEquals(Map.of(), duplicated, "webhooks on Kafka more than once");
            assertTrue(markers.size() >= 200, "enough load: " + markers.size());
            System.out.printf("S11: %d webhooks through a rolling restart of 2 ingest instances: 0 failed, each on"
                    + " Kafka once; per instance %s, %d refused connections re-routed%n", markers.size(),
                    door.served, door.rerouted.get());
        } finally {
            firing.set(false);
            load.join(10_000);
            door.close();
            sys.stop(replica);
        }
    }

    private static Map<String, Integer> readMarkers(TartanSystem sys, String run, int expected, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sys.kafkaBootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "s11-reader-" + run);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            c.subscribe(List.of(Topics.PLAID_WEBHOOKS_TRANSACTIONS));
            long deadline = System.nanoTime() + timeout.toNanos();
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                boolean any = false;
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    int at = r.value().indexOf("s11m-" + run + "-");
                    if (at >= 0) {
                        int end = r.value().indexOf("-end", at);
                        seen.merge(r.value().substring(at, end + 4), 1, Integer::sum);
                        any = true;
                    }
                }
                if (any) {
                    quietSince = System.nanoTime();
                }
                // all there, and nothing new for 5 s (a duplicate would come right behind)
                if (seen.size() >= expected && System.nanoTime() - quietSince > 5_000_000_000L) {
                    break;
                }
            }
        }
        return seen;
    }

    /** The Service in front of the ingest pods: round robin over the instances in rotation. */
    static final class FrontDoor implements AutoCloseable {
        private final TartanSystem sys;
        private final List<String> rotation = new CopyOnWriteArrayList<>();
        private final HttpServer server;
        private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        private final AtomicLong turn = new AtomicLong();
        final AtomicInteger failures = new AtomicInteger();
        final AtomicInteger rerouted = new AtomicInteger();
        final List<String> errors = new CopyOnWriteArrayList<>();
        final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();

        FrontDoor(TartanSystem sys, List<String> instances) throws IOException {
            this.sys = sys;
            rotation.addAll(instances);
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", FRONT_DOOR_PORT), 256);
            server.setExecutor(Executors.newFixedThreadPool(16));
            server.createContext("/", this::handle);
            server.start();
        }

        void outOfRotation(String instance) {
            rotation.remove(instance);
        }

        void intoRotation(String instance) {
            rotation.add(instance);
        }

        private void handle(HttpExchange ex) throws IOException {
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            int status = 502;
            byte[] answer = new byte[0];
            long deadline = System.nanoTime() + 8_000_000_000L; // inside Plaid's 10 s
            while (System.nanoTime() < deadline) {
                List<String> now = new ArrayList<>(rotation);
                if (now.isEmpty()) {
                    TartanSleep.quiet(Duration.ofMillis(50));
                    continue;
                }
                String instance = now.get((int) (turn.getAndIncrement() % now.size()));
                HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(sys.url(instance) + "plaid/webhooks"))
                        .timeout(Duration.ofSeconds(8)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
                for (String h : List.of("Plaid-Verification", "Content-Type")) {
                    String v = ex.getRequestHeaders().getFirst(h);
                    if (v != null) {
                        rb.header(h, v);
                    }
                }
                try {
                    HttpResponse<byte[]> r = client.send(rb.build(), HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    answer = r.body();
                    served.computeIfAbsent(instance, k -> new AtomicInteger()).incrementAndGet();
                    break;
                } catch (ConnectException refused) {
                    rerouted.incrementAndGet(); // nothing was sent: safe to try the other instance
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (IOException e) {
                    // sent, and the answer lost: counted as a failure, Plaid would see one
                    errors.add(instance + ": " + e);
                    break;
                }
            }
            if (status != 200) {
                failures.incrementAndGet();
                errors.add("HTTP " + status + " " + new String(answer, java.nio.charset.StandardCharsets.UTF_8));
            }
            ex.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(answer);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
