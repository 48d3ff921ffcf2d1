package dev.tartan.system.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Http;
import dev.tartan.system.harness.Journey;
import dev.tartan.system.harness.TartanSystem;

/**
 * Scale-out proof for beacon-service (issue #12): two replicas share {@code plaid.webhooks.beacon}. Screened users are
 * sent to review in Plaid's Dashboard one after another, each review reaching Tartan as a signed BEACON
 * {@code USER_STATUS_UPDATED} through webhook-ingest, and one replica is killed with SIGKILL mid-flow. Every user
 * still gets exactly one {@code fraud.review-requested} command, none missing: the survivor resumes the dead
 * replica's partitions from their committed offsets and its inbox skips what had already committed.
 */
@Order(15)
@Tag("e2e")
class S15BeaconReplicaKilledTest {

    static final int USERS = 150;
    static final Duration RECOVERY = Duration.ofSeconds(240);

    @Test
    void oneOfTwoBeaconReplicasKilledUnderLoadEveryReviewCommandOnce() throws Exception {
        TartanSystem sys = E2e.system();
        Journey j = E2e.journey();
        // screened first (the API path): names and birth dates all differ, so Beacon sees no duplicates and clears them
        Map<String, String> beaconIds = new LinkedHashMap<>();
        LocalDate born = LocalDate.of(1960, 1, 1);
        for (int i = 0; i < USERS; i++) {
            String user = E2e.user("s15");
            JsonNode created = j.createBeaconUser(user, "Ann" + i, "Perkins" + user.substring(4), born.plusDays(i)
                    .toString());
            assertEquals("cleared", created.path("status").asText(), created.toString());
            beaconIds.put(user, created.path("beacon_user_id").asText());
        }

        int alone = ReplicaGroups.members(sys, TartanSystem.BEACON, Topics.PLAID_WEBHOOKS_BEACON);
        String replica = sys.addReplica(TartanSystem.BEACON);
        boolean killed = false;
        try (EventWatch commands = new EventWatch(sys.kafkaBootstrap(), List.of(Topics.COMMANDS_FRAUD_REVIEW))) {
            ReplicaGroups.awaitMembers(sys, TartanSystem.BEACON, Topics.PLAID_WEBHOOKS_BEACON, 2 * alone, RECOVERY);
            int i = 0;
            for (String beaconUserId : beaconIds.values()) {
                j.dashboardReview(beaconUserId, "pending_review");
                if (i++ == USERS / 3) {
                    commands.await("a first review command of the flow", s -> s.is(EventTypes.FRAUD_REVIEW_REQUESTED)
                            && beaconIds.containsKey(s.key()), RECOVERY);
                    sys.kill(TartanSystem.BEACON);
                    killed = true;
                }
            }
            long deadline = System.nanoTime() + RECOVERY.toNanos();
            while (ours(commands, beaconIds).stream().map(EventWatch.Seen::key).distinct().count() < USERS && System.nanoTime() < deadline) {
                TartanSleep.quiet(Duration.ofMillis(500));
            }
            // a late duplicate would come within a relay interval or two
            TartanSleep.quiet(Duration.ofSeconds(5));
            // once = one event id: the relay publishes at least once (ADR 0004), so a row the dead replica's relay
            // had sent but not yet deleted goes out again with the same id, which consumers' inboxes skip
            List<EventWatch.Seen> seen = ours(commands, beaconIds);
            Map<String, Set<String>> idsPerUser = seen.stream().collect(Collectors.groupingBy(EventWatch.Seen::key,
                    Collectors.mapping(s -> s.envelope().id(), Collectors.toSet())));
            for (Map.Entry<String, String> e : beaconIds.entrySet()) {
                assertEquals(1, idsPerUser.getOrDefault(e.getKey(), Set.of()).size(), "one fraud-review command for "
                        + e.getKey() + " (" + e.getValue() + ")");
            }
            long resent = seen.size() - beaconIds.size();
            // the survivor's store agrees: each user under review, with the episode the command named
            Http http = new Http(c -> { });
            for (String user : beaconIds.keySet()) {
                JsonNode view = http.get(sys.url(replica) + "beacon/users/" + user, sys.operatorToken("s15"))
                        .expect(200).json();
                assertEquals("pending_review", view.path("status").asText(), view.toString());
            }
            assertTrue(killed);
            System.out.printf("S15: one of two beacon-service replicas killed while %d users were sent to review;"
                    + " each got one fraud-review command (%d re-sent by the relay with the same id)%n", USERS, resent);
        } finally {
            if (killed) {
                sys.restart(TartanSystem.BEACON);
            }
            sys.stop(replica);
        }
    }

    private static List<EventWatch.Seen> ours(EventWatch w, Map<String, String> beaconIds) {
        return w.matching(s -> s.is(EventTypes.FRAUD_REVIEW_REQUESTED) && beaconIds.containsKey(s.key()));
    }
}
