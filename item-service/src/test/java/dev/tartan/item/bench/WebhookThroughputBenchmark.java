package dev.tartan.item.bench;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.Topics;
import dev.tartan.item.it.Fixtures;
import dev.tartan.testsupport.TartanInfra;
import dev.tartan.testsupport.TartanInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;

/**
 * Benchmark, not a timed test (runs only with {@code -Dtartan.bench.webhooks=true}): registers
 * {@code tartan.bench.items} Items, publishes {@code tartan.bench.webhook-count} ITEM webhooks alternating ERROR and
 * LOGIN_REPAIRED per Item (every one a transition: state + 2 outbox rows + inbox row), and reports applied webhooks
 * per second from the inbox's own timestamps, in 5-second intervals. Figures: docs/performance.md.
 */
@QuarkusTest
@TestProfile(BenchProfile.class)
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = TartanInfraResource.SERVICE_ARG, value = "item"))
@EnabledIfSystemProperty(named = "tartan.bench.webhooks", matches = "true")
class WebhookThroughputBenchmark {

    @Test
    void appliedWebhooksPerSecond() throws Exception {
        int items = Integer.getInteger("tartan.bench.items", 20_000);
        int webhooks = Integer.getInteger("tartan.bench.webhook-count", 200_000);
        String db = TartanInfraResource.databaseName("item");
        try (Connection c = TartanInfra.get().connect(db); Statement s = c.createStatement()) {
            s.execute("INSERT INTO item (item_id, client_user_id, token_key_id, token_ciphertext, linked_at, status, status_changed_at, "
                    + "last_activity_at) SELECT 'wb-' || i, 'wb-user-' || i, 'k', 'c', now() - interval '3 days', 'HEALTHY', "
                    + "now() - interval '3 days', now() FROM generate_series(1, " + items + ") AS i");
        }
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TartanInfraResource.kafkaBootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024, ProducerConfig.ACKS_CONFIG, "all");
        String error = "\"error\":{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"ITEM_LOGIN_REQUIRED\",\"error_message\":\"x\",\"display_message\":null}";
        try (KafkaProducer<String, String> p = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (int n = 0; n < webhooks; n++) {
                String itemId = "wb-" + (n % items + 1);
                boolean err = (n / items) % 2 == 0;
                EventEnvelope e = Fixtures.webhook(itemId, err ? "ERROR" : "LOGIN_REPAIRED", err ? error : null);
                p.send(new ProducerRecord<>(Topics.PLAID_WEBHOOKS_ITEM, itemId, e.toJson()));
            }
            p.flush();
        }
        System.out.printf("BENCH produced %,d webhooks for %,d Items%n", webhooks, items);
        long last = 0;
        java.util.List<Double> intervals = new java.util.ArrayList<>();
        long deadline = System.currentTimeMillis() + 30 * 60_000L;
        try (Connection c = TartanInfra.get().connect(db); Statement s = c.createStatement()) {
            while (System.currentTimeMillis() < deadline) {
                Thread.sleep(5000);
                long done;
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM inbox_message WHERE consumer = 'item-service.webhooks'")) {
                    rs.next();
                    done = rs.getLong(1);
                }
                System.out.printf("BENCH applied %,d (+%,d in 5 s = %,.0f/s)%n", done, done - last, (done - last) / 5.0);
                if (done < webhooks) {
                    intervals.add((done - last) / 5.0); // the last, partial interval would understate the rate
                }
                last = done;
                if (done >= webhooks) {
                    break;
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT count(*), extract(epoch from max(processed_at) - min(processed_at)) "
                    + "FROM inbox_message WHERE consumer = 'item-service.webhooks'")) {
                rs.next();
                System.out.printf("BENCH total %,d applied in %.1f s = %,.0f webhooks/s%n", rs.getLong(1), rs.getDouble(2),
                        rs.getLong(1) / Math.max(0.001, rs.getDouble(2)));
            }
            // steady state: the JIT needs the first ~30 s; report the median 5-s interval after that
            java.util.List<Double> steady = new java.util.ArrayList<>(intervals.subList(Math.min(6, intervals.size()), intervals.size()));
            if (!steady.isEmpty()) {
                java.util.Collections.sort(steady);
                System.out.printf("BENCH steady (5-s intervals after the first 30 s): median %,.0f/s, min %,.0f/s, max %,.0f/s over %d intervals%n",
                        steady.get(steady.size() / 2), steady.getFirst(), steady.getLast(), steady.size());
            }
        }
    }
}
