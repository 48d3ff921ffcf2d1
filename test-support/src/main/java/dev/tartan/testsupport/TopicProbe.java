package dev.tartan.testsupport;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Records written to one topic after the probe was created ({@link KafkaTestClient#watch(String)}): a background
 * thread reads every partition from the end offsets taken at creation (no consumer group, read_committed) and keeps
 * what arrives, in arrival order.
 *
 * <p>The probe remembers how many records the test has "seen": {@link #await}, {@link #awaitCount} and
 * {@link #records()} advance it, and {@link #assertNoMore(Duration)} fails if anything beyond that arrives.
 */
public final class TopicProbe implements AutoCloseable {

    private final String topic;
    private final KafkaConsumer<String, String> consumer;
    private final List<ConsumerRecord<String, String>> received = new ArrayList<>();
    private final Thread poller;
    private volatile boolean closed;
    private volatile Throwable failure;
    private int seen;

    TopicProbe(String bootstrapServers, String topic) {
        this.topic = topic;
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "tartan-probe-" + topic + "-" + UUID.randomUUID());
        this.consumer = new KafkaConsumer<>(props);
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist (topics are created explicitly:"
                        + " add it to contracts' Topics)");
            }
            List<TopicPartition> partitions = infos.stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: resolve the positions now, so "the end" means the end at creation time
            for (TopicPartition tp : partitions) {
                consumer.position(tp, Duration.ofSeconds(30));
            }
        } catch (RuntimeException e) {
            consumer.close();
            throw e;
        }
        this.poller = Thread.ofPlatform().daemon().name("tartan-probe-" + topic).start(this::pollLoop);
    }

    private void pollLoop() {
        try {
            while (!closed) {
                var batch = consumer.poll(Duration.ofMillis(200));
                if (!batch.isEmpty()) {
                    synchronized (received) {
                        batch.forEach(received::add);
                        received.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            failure = t;
            synchronized (received) {
                received.notifyAll();
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    public String topic() {
        return topic;
    }

    /**
     * The first record received since creation that matches, waiting up to {@code timeout} for it.
     *
     * @throws AssertionError if none arrives in time (the message lists what did arrive)
     */
    public ConsumerRecord<String, String> await(Predicate<ConsumerRecord<String, String>> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int checked = 0;
        synchronized (received) {
            while (true) {
                for (; checked < received.size(); checked++) {
                    ConsumerRecord<String, String> r = received.get(checked);
                    if (match.test(r)) {
                        seen = Math.max(seen, checked + 1);
                        return r;
                    }
                }
                waitUntil(deadline, () -> "no matching record on " + topic + " within " + timeout + "; received "
                        + describe(received));
            }
        }
    }

    /** The first record whose key is {@code key}. */
    public ConsumerRecord<String, String> awaitKey(String key, Duration timeout) {
        return await(r -> key.equals(r.key()), timeout);
    }

    /**
     * Waits until at least {@code n} records have arrived; returns the first {@code n}.
     *
     * @throws AssertionError if fewer arrive in time
     */
    public List<ConsumerRecord<String, String>> awaitCount(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (received.size() < n) {
                waitUntil(deadline, () -> "expected " + n + " records on " + topic + " within " + timeout
                        + " but got " + received.size() + ": " + describe(received));
            }
            seen = Math.max(seen, n);
            return List.copyOf(received.subList(0, n));
        }
    }

    /** Everything received so far. */
    public List<ConsumerRecord<String, String>> records() {
        synchronized (received) {
            seen = Math.max(seen, received.size());
            return List.copyOf(received);
        }
    }

    /**
     * Waits {@code window} and fails if any record beyond those already returned by {@link #await},
     * {@link #awaitCount} or {@link #records()} has arrived (before or during the window).
     */
    public void assertNoMore(Duration window) {
        long deadline = System.nanoTime() + window.toNanos();
        synchronized (received) {
            while (received.size() <= seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                checkPoller();
                try {
                    received.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            throw new AssertionError("unexpected record(s) on " + topic + " after the " + seen + " expected: "
                    + describe(received.subList(seen, received.size())));
        }
    }

    /** A header's value as UTF-8, or null. */
    public static String header(ConsumerRecord<?, ?> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void waitUntil(long deadline, java.util.function.Supplier<String> timeoutMessage) {
        checkPoller();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError(timeoutMessage.get());
        }
        try {
            received.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void checkPoller() {
        if (failure != null) {
            throw new IllegalStateException("probe on " + topic + " failed: " + failure, failure);
        }
        if (closed) {
            throw new IllegalStateException("probe on " + topic + " is closed");
        }
    }

    private static String describe(List<ConsumerRecord<String, String>> records) {
        if (records.isEmpty()) {
            return "nothing";
        }
        List<String> lines = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records.subList(0, Math.min(records.size(), 10))) {
            String v = r.value() == null ? "null" : r.value();
            if (v.length() > 300) {
                v = v.substring(0, 300) + "...";
            }
            List<String> hs = new ArrayList<>();
            for (Header h : r.headers()) {
                hs.add(h.key() + "=" + (h.value() == null ? "null" : new String(h.value(), StandardCharsets.UTF_8)));
            }
            lines.add("[p" + r.partition() + "@" + r.offset() + " key=" + r.key() + " headers=" + hs + " value=" + v
                    + "]");
        }
        return records.size() + " record(s): " + String.join(", ", lines)
                + (records.size() > 10 ? ", ..." : "");
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        consumer.wakeup();
        try {
            poller.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
