package dev.tartan.system.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tartan.contracts.Topics;
import dev.tartan.system.deploy.RepoFiles;
import dev.tartan.system.deploy.TopicCatalogue;
import dev.tartan.system.harness.TartanSystem;

/**
 * Poison records on every topic a Tartan service consumes (the consumers come from docs/asyncapi.yaml, the same
 * catalogue the ACLs are checked against) ends on that topic's dead-letter topic, once per consuming service, with
 * the reason in the {@code dead-letter-reason} header; and every consumer group commits past it, so the consumer
 * moved on instead of retrying it forever. Run against the whole system, as separate processes.
 */
@Order(9)
@Tag("e2e")
class S9PoisonOnEveryTopicTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Records sent per topic: one not JSON, one JSON but not an event envelope. */
    private static final int POISONS = 2;

    @Test
    void poisonOnEveryConsumedTopicIsDeadLetteredAndEveryConsumerMovesOn() throws IOException, InterruptedException,
            ExecutionException {
        TartanSystem sys = E2e.system();
        TopicCatalogue catalogue = TopicCatalogue.load();
        Map<String, Set<String>> consumedBy = new LinkedHashMap<>();
        for (String service : RepoFiles.SERVICES) {
            for (String topic : catalogue.consumedBy(service)) {
                consumedBy.computeIfAbsent(topic, t -> new java.util.TreeSet<>()).add(service);
            }
        }
        assertTrue(consumedBy.size() >= 8, "consumed topics in the catalogue: " + consumedBy.keySet());

        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, RecordMetadata> sent = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps(sys.kafkaBootstrap()))) {
            for (String topic : consumedBy.keySet()) {
                // keys no real Item has: a value that is not even JSON, then JSON that is no event envelope
                String key = "poison-" + run + "-" + topic;
                producer.send(new ProducerRecord<>(topic, key, "{not json at all " + run)).get();
                sent.put(topic, producer.send(new ProducerRecord<>(topic, key,
                        "{\"unexpected\": \"" + run + "\", \"spec\": 42}")).get());
            }
        }

        Map<String, List<ConsumerRecord<String, String>>> dead = new LinkedHashMap<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps(sys.kafkaBootstrap()))) {
            consumer.subscribe(consumedBy.keySet().stream().map(t -> t + Topics.DEAD_LETTER_SUFFIX).toList());
            while (System.nanoTime() < deadline && !allDeadLettered(consumedBy, dead)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key() != null && r.key().startsWith("poison-" + run + "-")) {
                        String topic = r.topic().substring(0, r.topic().length() - Topics.DEAD_LETTER_SUFFIX.length());
                        dead.computeIfAbsent(topic, t -> new ArrayList<>()).add(r);
                    }
                }
            }
        }
        for (var e : consumedBy.entrySet()) {
            List<ConsumerRecord<String, String>> records = dead.getOrDefault(e.getKey(), List.of());
            assertEquals(POISONS * e.getValue().size(), records.size(), e.getKey() + ": both poisons, once per consuming service "
                    + e.getValue() + ", got " + records.size());
            for (ConsumerRecord<String, String> r : records) {
                String reason = header(r, "dead-letter-reason");
                assertTrue(reason != null && !reason.isBlank(), e.getKey() + ": dead letter carries a reason");
                assertEquals(e.getKey(), header(r, "dead-letter-topic"), "dead letter names the topic it came from");
                assertTrue(r.value().contains(run), "the original value is kept for replay");
            }
            System.out.printf("  %s -> %s x%d (%s | %s)%n", e.getKey(), e.getKey() + Topics.DEAD_LETTER_SUFFIX,
                    records.size(), header(records.get(0), "dead-letter-reason"),
                    header(records.get(records.size() - 1), "dead-letter-reason"));
        }

        // every consuming group commits past the poison record: it moved on
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sys.kafkaBootstrap()))) {
            for (var e : consumedBy.entrySet()) {
                RecordMetadata poison = sent.get(e.getKey());
                TopicPartition tp = new TopicPartition(poison.topic(), poison.partition());
                for (String group : e.getValue()) {
                    long committed = -1;
                    long until = System.nanoTime() + WAIT.toNanos();
                    while (System.nanoTime() < until) {
                        OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                                .get(30, TimeUnit.SECONDS).get(tp);
                        committed = o == null ? -1 : o.offset();
                        if (committed > poison.offset()) {
                            break;
                        }
                        TartanSleep.quiet(Duration.ofMillis(500));
                    }
                    assertTrue(committed > poison.offset(), group + " committed past the poison on " + tp + " (offset "
                            + poison.offset() + ", committed " + committed + ")");
                }
            }
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("admin call timed out", e);
        }
        assertFalse(sys.pids().isEmpty());
    }

    private static boolean allDeadLettered(Map<String, Set<String>> consumedBy,
            Map<String, List<ConsumerRecord<String, String>>> dead) {
        return consumedBy.entrySet().stream()
                .allMatch(e -> dead.getOrDefault(e.getKey(), List.of()).size() >= POISONS * e.getValue().size());
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return p;
    }

    private static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "s9-dlq-reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }
}
