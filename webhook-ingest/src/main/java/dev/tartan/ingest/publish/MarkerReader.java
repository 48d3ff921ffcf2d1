package dev.tartan.ingest.publish;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Reads this instance's last committed marker from the marker topic, after the publisher's new producers fenced the
 * old ones (so none of this instance's transactions is still open: each was completed or aborted, markers written).
 *
 * <p>Every instance writes its markers, keyed by its id, to partition 0 of one compacted topic. The read takes the
 * high watermark first (everything this instance ever committed lies below it), then reads backwards in growing
 * windows, {@code read_committed}, until a window holds a record of this instance: the last one in that window is
 * the marker. An instance that published a moment ago finds it in the first window of 1,000 records; one that was
 * down for long walks back over the other instances' markers since (compaction keeps only each instance's last one
 * in the cleaned part of the log). An aborted transaction's marker is never returned.
 */
final class MarkerReader {

    private static final Logger LOG = Logger.getLogger(MarkerReader.class);
    static final int FIRST_WINDOW = 1000;

    private final Admin admin;
    private final Properties consumerProperties;
    private final TopicPartition partition;
    private final String instanceId;
    private final Duration timeout;

    MarkerReader(Admin admin, Properties consumerProperties, String topic, String instanceId, Duration timeout) {
        this.admin = admin;
        this.consumerProperties = consumerProperties;
        this.partition = new TopicPartition(topic, 0);
        this.instanceId = instanceId;
        this.timeout = timeout;
    }

    /**
     * Creates the topic when it is missing (compacted, one partition, the broker's replication factor), and warns
     * when an existing one is not compacted: under time retention an instance idle for longer than it would lose
     * its marker and republish what its spool still holds. Where the ACL does not allow creating topics, the
     * deployment declares it (deploy/base/kafka/topics.yaml).
     *
     * @return whether this call created it: then it holds no marker yet (and a read right away could still find the
     * new partition unknown)
     */
    boolean ensureTopic() throws Exception {
        try {
            admin.createTopics(List.of(new NewTopic(partition.topic(), Optional.of(1), Optional.empty())
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.infof("created the marker topic %s (compacted, 1 partition)", partition.topic());
            return true;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.debugf("creating the marker topic %s: %s (expected to exist)", partition.topic(), e.getCause());
            }
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, partition.topic());
        try {
            Config config = admin.describeConfigs(List.of(resource)).all()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(resource);
            var policy = config == null ? null : config.get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy == null || policy.value() == null || !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                LOG.warnf("the marker topic %s has cleanup.policy=%s, not compact: an instance idle for longer than "
                        + "its retention loses its marker", partition.topic(), policy == null ? "?" : policy.value());
            }
        } catch (ExecutionException e) {
            // advisory only (not allowed to describe it, or not yet known to this broker): the read decides
            LOG.debugf("describing the marker topic %s: %s", partition.topic(), e.getCause());
        }
        return false;
    }

    /** This instance's last committed marker, or null when the topic holds none (a new instance, or an upgrade). */
    Marker read() throws Exception {
        long begin = offset(OffsetSpec.earliest());
        long end = offset(OffsetSpec.latest());
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(partition));
            long window = FIRST_WINDOW;
            for (long to = end; to > begin; ) {
                long from = Math.max(begin, to - window);
                Marker last = lastIn(consumer, from, to);
                if (last != null) {
                    return last;
                }
                to = from;
                window *= 2;
            }
        }
        return null;
    }

    /** The last marker of this instance among the committed records in {@code [from, to)}. */
    private Marker lastIn(KafkaConsumer<String, String> consumer, long from, long to) {
        consumer.seek(partition, from);
        Marker last = null;
        long deadline = System.nanoTime() + timeout.toNanos();
        // read_committed: the position stops at the last stable offset, so a transaction of another instance still
        // open below `to` holds the read until it ends (milliseconds; at most its transaction timeout)
        while (consumer.position(partition) < to) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("marker topic " + partition + ": could not read up to offset " + to
                        + " within " + timeout.toMillis() + " ms (at " + consumer.position(partition) + ")");
            }
            for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                if (r.offset() < to && instanceId.equals(r.key())) {
                    Marker m = Marker.parse(r.value());
                    if (m != null) {
                        last = m;
                    } else {
                        LOG.warnf("marker topic %s offset %d: not a marker, ignored", partition, r.offset());
                    }
                }
            }
        }
        return last;
    }

    /** Earliest, or the high watermark (every committed record of this instance lies below it). */
    private long offset(OffsetSpec spec) throws Exception {
        return admin.listOffsets(Map.of(partition, spec), new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED))
                .partitionResult(partition).get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
    }
}
