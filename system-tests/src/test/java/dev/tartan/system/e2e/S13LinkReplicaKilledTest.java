package dev.tartan.system.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.relink.RelinkReason;
import dev.tartan.contracts.relink.RelinkRequested;
import dev.tartan.system.harness.Http;
import dev.tartan.system.harness.Journey;
import dev.tartan.system.harness.TartanSystem;

/**
 * Scale-out proof for link-service (issue #12): two replicas share the re-link command partitions; one is killed
 * with SIGKILL while commands flow. Every command still becomes exactly one prompt the app can show its user, none
 * missing: the survivor resumes the dead replica's partitions from their committed offsets and the inbox skips what
 * had already committed.
 */
@Order(13)
@Tag("e2e")
class S13LinkReplicaKilledTest {

    static final int COMMANDS = 600;
    static final Duration RECOVERY = Duration.ofSeconds(240);

    @Test
    void oneOfTwoLinkReplicasKilledUnderLoadEveryCommandBecomesOnePrompt() throws Exception {
        TartanSystem sys = E2e.system();
        String run = UUID.randomUUID().toString().substring(0, 6);
        int alone = ReplicaGroups.members(sys, TartanSystem.LINK, Topics.COMMANDS_RELINK);
        String replica = sys.addReplica(TartanSystem.LINK);
        boolean killed = false;
        List<String[]> sent = new ArrayList<>();
        try {
            ReplicaGroups.awaitMembers(sys, TartanSystem.LINK, Topics.COMMANDS_RELINK, 2 * alone, RECOVERY);

            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sys.kafkaBootstrap());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                    new StringSerializer())) {
                for (int i = 0; i < COMMANDS; i++) {
                    String user = "s13-" + run + "-" + i;
                    String itemId = "s13item" + run + i;
                    String relinkId = "rl-" + run + "-" + i;
                    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                    RelinkRequested c = new RelinkRequested(relinkId, itemId, user,
                            new InstitutionRef(Journey.DEFAULT_INSTITUTION, "First Platypus Bank"), UpdateMode.LOGIN,
                            RelinkReason.ITEM_LOGIN_REQUIRED, "ITEM_LOGIN_REQUIRED", null, List.of("auth"), now);
                    EventEnvelope e = EventEnvelope.wrap(EventTypes.RELINK_REQUESTED, relinkId + "/requested",
                            "item-service", now, itemId, c);
                    producer.send(new ProducerRecord<>(Topics.COMMANDS_RELINK, itemId, e.toJson()));
                    sent.add(new String[] {user, itemId});
                    if (i == COMMANDS / 3) {
                        producer.flush();
                        awaitPrompt(sys, replica, sent.get(0)[0], sent.get(0)[1]);
                        sys.kill(TartanSystem.LINK);
                        killed = true;
                    }
                }
                producer.flush();
            }
            // asked of the survivor: the killed instance stays dead until the end
            for (String[] s : sent) {
                JsonNode list = awaitPrompt(sys, replica, s[0], s[1]);
                assertEquals(1, list.size(), "exactly one prompt for " + s[0] + ": " + list);
            }
            System.out.printf("S13: one of two link-service replicas killed mid-flow; all %d commands became one"
                    + " prompt each%n", COMMANDS);
        } finally {
            if (killed) {
                sys.restart(TartanSystem.LINK);
            }
            sys.stop(replica);
        }
    }

    private static JsonNode awaitPrompt(TartanSystem sys, String instance, String user, String itemId) {
        long deadline = System.nanoTime() + RECOVERY.toNanos();
        JsonNode list = null;
        Http http = new Http(c -> { });
        while (System.nanoTime() < deadline) {
            try {
                JsonNode prompts = http.get(sys.url(instance) + "link/users/" + user + "/relink-prompts",
                        sys.appToken(user)).expect(200).json();
                list = prompts.isArray() ? prompts : prompts.path("prompts");
                for (JsonNode p : list) {
                    if (itemId.equals(p.path("item_id").asText())) {
                        return list;
                    }
                }
            } catch (AssertionError notYet) {
                // not there yet: ask again
            }
            TartanSleep.quiet(Duration.ofMillis(200));
        }
        throw new AssertionError("no prompt for " + user + " / " + itemId + " within " + RECOVERY.toSeconds() + " s: " + list);
    }
}
