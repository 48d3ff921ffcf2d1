package dev.tartan.system.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.system.bench.E2eBench;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.TartanSystem;

/**
 * Scale-out proof (issue #12): two item-service replicas in one consumer group share the ITEM webhook partitions;
 * one is killed with SIGKILL while thousands of webhooks flow. After the group rebalances, the survivor takes over
 * the dead replica's partitions from their last committed offsets, and every Item has exactly one
 * {@code relink.requested} and one {@code relink.resolved}, none missing. Both replicas write to the same database,
 * so what one replica committed the other's inbox skips.
 */
@Order(10)
@Tag("e2e")
class S10ConsumerReplicaKilledTest {

    static final int ITEMS = 2000;
    static final Duration RECOVERY = Duration.ofSeconds(240);

    @Test
    void oneOfTwoReplicasKilledUnderLoadEveryCommandOnceNoneMissing() throws Exception {
        TartanSystem sys = E2e.system();
        EventWatch w = E2e.watch();
        String prefix = "s10rep" + UUID.randomUUID().toString().substring(0, 6);
        List<String> items = E2eBench.register(sys, prefix, ITEMS);
        Set<String> ours = Set.copyOf(items);

        int alone = ReplicaGroups.members(sys, TartanSystem.ITEM, Topics.PLAID_WEBHOOKS_ITEM);
        String replica = sys.addReplica(TartanSystem.ITEM);
        boolean killed = false;
        try {
            ReplicaGroups.awaitMembers(sys, TartanSystem.ITEM, Topics.PLAID_WEBHOOKS_ITEM, 2 * alone, RECOVERY);

            try (KafkaProducer<String, String> producer = S6ItemServiceKilledMidBatchTest.producer(sys)) {
                // a steady flow rather than one burst: the kill lands while both replicas are mid-stream
                for (int i = 0; i < items.size(); i++) {
                    String itemId = items.get(i);
                    producer.send(new ProducerRecord<>(Topics.PLAID_WEBHOOKS_ITEM, itemId,
                            S6ItemServiceKilledMidBatchTest.webhook(itemId, "ERROR",
                            S6ItemServiceKilledMidBatchTest.LOGIN_REQUIRED).toJson()));
                    producer.send(new ProducerRecord<>(Topics.PLAID_WEBHOOKS_ITEM, itemId,
                            S6ItemServiceKilledMidBatchTest.webhook(itemId, "LOGIN_REPAIRED", null).toJson()));
                    if (i == items.size() / 4) {
                        producer.flush();
                        w.await("the first commands of the flow",
                                s -> s.is(EventTypes.RELINK_REQUESTED) && ours.contains(s.key()), RECOVERY);
                        sys.kill(TartanSystem.ITEM);
                        killed = true;
                    }
                }
                producer.flush();
            }
            long atKill = w.matching(s -> (s.is(EventTypes.RELINK_REQUESTED) || s.is(EventTypes.RELINK_RESOLVED))
                    && ours.contains(s.key())).size();
            assertTrue(atKill < 2L * ITEMS, "the kill came before the flow was done (" + atKill + " commands out)");

            for (String itemId : items) {
                w.await(EventTypes.RELINK_RESOLVED, itemId, RECOVERY);
            }
            TartanSleep.quiet(Duration.ofSeconds(5));
            for (String itemId : items) {
                S5HostileAndFaultyScenarioTest.assertOneCommand(w, EventTypes.RELINK_REQUESTED, itemId);
                S5HostileAndFaultyScenarioTest.assertOneCommand(w, EventTypes.RELINK_RESOLVED, itemId);
            }
            Set<String> requested = w.matching(s -> s.is(EventTypes.RELINK_REQUESTED) && ours.contains(s.key()))
                    .stream().map(EventWatch.Seen::key).collect(Collectors.toSet());
            assertEquals(ours, requested, "every Item got its relink.requested");
            System.out.printf("S10: one of two item-service replicas killed mid-flow; the survivor finished: all %d"
                    + " commands, each once%n", 2 * ITEMS);
        } finally {
            if (killed) {
                sys.restart(TartanSystem.ITEM);
            }
            sys.stop(replica);
        }
    }
}
