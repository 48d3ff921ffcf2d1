package dev.tartan.system.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;

import dev.tartan.system.harness.TartanSystem;

/** Consumer-group membership as the broker sees it, for the replica proofs (each service's group id is its name). */
final class ReplicaGroups {

    private ReplicaGroups() {
    }

    /** Members of {@code group} that hold at least one partition of {@code topic}. */
    static int members(TartanSystem sys, String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sys.kafkaBootstrap()))) {
            ConsumerGroupDescription g = admin.describeConsumerGroups(List.of(group)).all()
                    .get(30, TimeUnit.SECONDS).get(group);
            return (int) g.members().stream().filter(m -> m.assignment().topicPartitions().stream()
                    .anyMatch(tp -> tp.topic().equals(topic))).count();
        }
    }

    /** Waits until the rebalance after a replica joined has given it partitions of {@code topic}. */
    static void awaitMembers(TartanSystem sys, String group, String topic, int expected, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        int now = -1;
        while (System.nanoTime() < deadline) {
            now = members(sys, group, topic);
            if (now >= expected) {
                System.out.printf("%s: %d consumers share %s%n", group, now, topic);
                return;
            }
            TartanSleep.quiet(Duration.ofMillis(500));
        }
        throw new AssertionError("group " + group + " never reached " + expected + " consumers of " + topic
                + " (now " + now + ")");
    }
}
