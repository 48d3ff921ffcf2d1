package dev.tartan.infra;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.tartan.contracts.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Tartan's topics on a broker: every topic of {@link Topics#all()} with its partition count, and a
 * dead-letter topic ({@code <name>.dlq}, {@value #DEAD_LETTER_PARTITIONS} partitions) for every topic of
 * {@link Topics#consumed()}. Idempotent: existing topics are left as they are.
 *
 * <p>Uses kafka-clients only (never the broker jars), so test-support may call it from a service's test JVM.
 */
public final class TopicSetup {

    public static final int DEAD_LETTER_PARTITIONS = 3;

    private TopicSetup() {
    }

    /** Tartan's topics and dead-letter topics, name to partition count, in catalogue order. */
    public static Map<String, Integer> tartanTopics() {
        Map<String, Integer> topics = new LinkedHashMap<>();
        for (Topics.TopicSpec spec : Topics.all()) {
            topics.put(spec.name(), spec.partitions());
        }
        for (String consumed : Topics.consumed()) {
            topics.put(consumed + Topics.DEAD_LETTER_SUFFIX, DEAD_LETTER_PARTITIONS);
        }
        return topics;
    }

    /** Creates the missing ones of {@link #tartanTopics()}; returns the names it created. */
    public static List<String> ensureTartanTopics(String bootstrapServers, Duration timeout) {
        return ensureTopics(bootstrapServers, tartanTopics(), timeout);
    }

    /** Creates the missing topics (replication factor 1); returns the names it created. */
    public static List<String> ensureTopics(String bootstrapServers, Map<String, Integer> topics, Duration timeout) {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000)))) {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            topics.forEach((name, partitions) -> {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, partitions, (short) 1));
                }
            });
            List<String> created = new ArrayList<>();
            if (missing.isEmpty()) {
                return created;
            }
            var result = admin.createTopics(missing).values();
            for (var e : result.entrySet()) {
                try {
                    e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    created.add(e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + e.getKey() + ": " + ex.getCause(), ex);
                    }
                }
            }
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach Kafka at " + bootstrapServers + " to create topics: " + e, e);
        }
    }
}
