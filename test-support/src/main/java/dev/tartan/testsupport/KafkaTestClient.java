package dev.tartan.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends String (JSON) records to the test broker and watches topics.
 *
 * <pre>{@code
 * try (KafkaTestClient kafka = new KafkaTestClient();
 *      TopicProbe events = kafka.watch(Topics.ITEMS_EVENTS)) {
 *     kafka.send(Topics.PLAID_WEBHOOKS_ITEM, itemId, json, Map.of("ce_type", "..."));
 *     ConsumerRecord<String, String> r = events.await(rec -> itemId.equals(rec.key()), Duration.ofSeconds(20));
 *     events.assertNoMore(Duration.ofSeconds(2));
 * }
 * }</pre>
 */
public final class KafkaTestClient implements AutoCloseable {

    private final String bootstrapServers;
    private volatile KafkaProducer<String, String> producer;

    /** A client of this test JVM's broker ({@link TartanInfra#get()}). */
    public KafkaTestClient() {
        this(TartanInfra.get().kafkaBootstrapServers());
    }

    public KafkaTestClient(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Sends and waits for the broker's acknowledgement (acks=all). */
    public RecordMetadata send(String topic, String key, String value) {
        return send(topic, key, value, Map.of());
    }

    /** Sends with headers (UTF-8 values) and waits for the acknowledgement. */
    public RecordMetadata send(String topic, String key, String value, Map<String, String> headers) {
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, key, value);
        headers.forEach((k, v) -> record.headers().add(k, v == null ? null : v.getBytes(StandardCharsets.UTF_8)));
        try {
            return producer().send(record).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending to " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("send to " + topic + " failed (does the topic exist? topics are not"
                    + " auto-created): " + cause, cause);
        }
    }

    /**
     * Starts watching {@code topic} from its current end: only records written after this call are seen. Close the
     * probe (try-with-resources) when done.
     */
    public TopicProbe watch(String topic) {
        return new TopicProbe(bootstrapServers, topic);
    }

    private KafkaProducer<String, String> producer() {
        KafkaProducer<String, String> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    Properties props = new Properties();
                    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
                    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                    props.put(ProducerConfig.ACKS_CONFIG, "all");
                    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
                    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
                    props.put(ProducerConfig.CLIENT_ID_CONFIG, "tartan-test-client");
                    producer = new KafkaProducer<>(props);
                }
                p = producer;
            }
        }
        return p;
    }

    @Override
    public void close() {
        KafkaProducer<String, String> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(10));
        }
    }
}
