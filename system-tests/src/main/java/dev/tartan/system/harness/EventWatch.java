package dev.tartan.system.harness;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventType;
import dev.tartan.contracts.MalformedEventException;

/**
 * What an internal subscriber sees: a plain Kafka consumer (read_committed, no group) on the command and event topics,
 * started at the end of every partition, keeping every record it reads. Scenarios wait on it and count on it.
 */
public final class EventWatch implements AutoCloseable {

    /** One record as seen on the topic, with the time this consumer received it. */
    public record Seen(String topic, int partition, long offset, String key, String value, EventEnvelope envelope,
            long receivedNanos, Instant receivedAt) {
        public String type() {
            return envelope == null ? null : envelope.type();
        }

        public boolean is(EventType<?> t) {
            return envelope != null && envelope.is(t);
        }

        public <T> T data(EventType<T> t) {
            return envelope.dataAs(t);
        }
    }

    private final KafkaConsumer<String, String> consumer;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private final List<Consumer<Seen>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public EventWatch(String bootstrap, Collection<String> topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "e2e-watch-" + UUID.randomUUID());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50");
        p.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
            infos.forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(parts);
        Map<TopicPartition, Long> ends = consumer.endOffsets(parts, Duration.ofSeconds(30));
        ends.forEach(consumer::seek);
        poller = new Thread(this::run, "e2e-event-watch");
        poller.setDaemon(true);
        poller.start();
    }

    public void onRecord(Consumer<Seen> listener) {
        listeners.add(listener);
    }

    private void run() {
        while (!closed) {
            try {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    EventEnvelope env;
                    try {
                        env = EventEnvelope.fromJson(r.value());
                    } catch (MalformedEventException e) {
                        env = null;
                    }
                    Seen s = new Seen(r.topic(), r.partition(), r.offset(), r.key(), r.value(), env, System.nanoTime(),
                            Instant.now());
                    seen.add(s);
                    listeners.forEach(l -> l.accept(s));
                }
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                TartanSystem.log("event watch: %s (retrying)", e);
                TartanSystem.sleep(500);
            }
        }
    }

    public List<Seen> all() {
        return List.copyOf(seen);
    }

    public List<Seen> matching(Predicate<Seen> p) {
        return seen.stream().filter(p).toList();
    }

    /** Records of {@code type} about {@code subject} (the Kafka key / envelope subject). */
    public List<Seen> of(EventType<?> type, String subject) {
        return matching(s -> s.is(type) && subject.equals(s.key()));
    }

    public Seen await(String what, Predicate<Seen> p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Seen s : seen) {
                if (p.test(s)) {
                    return s;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not seen on Kafka within " + timeout.toSeconds() + " s: " + what
                        + "\n  records seen meanwhile: " + summary());
            }
            TartanSystem.sleep(20);
        }
    }

    public Seen await(EventType<?> type, String subject, Duration timeout) {
        return await(type.name() + " for " + subject, s -> s.is(type) && subject.equals(s.key()), timeout);
    }

    /** Fails if any record matches during {@code window}. */
    public void assertNone(String what, Predicate<Seen> p, Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            List<Seen> m = matching(p);
            if (!m.isEmpty()) {
                throw new AssertionError("unexpected on Kafka: " + what + ": " + m.get(0).value());
            }
            TartanSystem.sleep(50);
        }
    }

    public String summary() {
        StringBuilder sb = new StringBuilder();
        int from = Math.max(0, seen.size() - 30);
        for (Seen s : seen.subList(from, seen.size())) {
            sb.append("\n    ").append(s.topic()).append(" key=").append(s.key()).append(" ")
                    .append(s.type() != null ? s.type() : "(not an envelope)");
        }
        return seen.size() + " records" + sb;
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            poller.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(2));
    }
}
