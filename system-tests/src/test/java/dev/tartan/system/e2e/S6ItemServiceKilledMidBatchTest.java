package dev.tartan.system.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.system.bench.E2eBench;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.TartanSystem;

/**
 * item-service killed with SIGKILL while it is applying batches of ITEM webhooks (issue #5): thousands of webhooks are
 * on the topic, the process dies once the first commands come out, and after the restart every Item has exactly one
 * {@code relink.requested} and one {@code relink.resolved} (one event id each), none missing. What makes it hold: the
 * inbox rows, the Item rows and the outbox rows of a batch commit in one transaction, and the Kafka offsets are
 * committed only after it, so a batch cut short is redelivered and the inbox skips what had committed.
 */
@Order(6)
@Tag("e2e")
class S6ItemServiceKilledMidBatchTest {

    static final int ITEMS = 2000;
    static final Duration RECOVERY = Duration.ofSeconds(180);

    @Test
    void killedWhileApplyingBatchesEveryCommandOnceNoneMissing() throws Exception {
        TartanSystem sys = E2e.system();
        EventWatch w = E2e.watch();
        String prefix = "s6kill" + UUID.randomUUID().toString().substring(0, 6);
        List<String> items = E2eBench.register(sys, prefix, ITEMS);
        Set<String> ours = Set.copyOf(items);

        // the whole burst is on the topic before item-service has applied any of it
        try (KafkaProducer<String, String> producer = producer(sys)) {
            for (String itemId : items) {
                producer.send(new ProducerRecord<>(Topics.PLAID_WEBHOOKS_ITEM, itemId, webhook(itemId, "ERROR", LOGIN_REQUIRED).toJson()));
                producer.send(new ProducerRecord<>(Topics.PLAID_WEBHOOKS_ITEM, itemId, webhook(itemId, "LOGIN_REPAIRED", null).toJson()));
            }
            producer.flush();
        }

        w.await("the first relink.requested of the burst", s -> s.is(EventTypes.RELINK_REQUESTED) && ours.contains(s.key()), RECOVERY);
        sys.kill(TartanSystem.ITEM);
        long seenAtKill = commands(w, ours);
        try {
            assertTrue(seenAtKill < 2L * ITEMS, "the kill came after every command was out (" + seenAtKill + ")");
        } finally {
            sys.restart(TartanSystem.ITEM);
        }

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
        System.out.printf("S6: item-service killed with %d of %d commands out; after the restart all %d, each once%n",
                seenAtKill, 2 * ITEMS, 2 * ITEMS);
    }

    private static long commands(EventWatch w, Set<String> ours) {
        return w.matching(s -> (s.is(EventTypes.RELINK_REQUESTED) || s.is(EventTypes.RELINK_RESOLVED)) && ours.contains(s.key()))
                .stream().map(s -> s.envelope().id()).distinct().count();
    }

    /** The {@code error} field of an ITEM ERROR webhook for ITEM_LOGIN_REQUIRED, as Plaid sends it. */
    static final String LOGIN_REQUIRED = "\"error\":{\"error_type\":\"ITEM_ERROR\",\"error_code\":\"ITEM_LOGIN_REQUIRED\","
            + "\"error_message\":\"login required\",\"display_message\":null,\"status\":400}";

    /** A producer for publishing webhook envelopes as webhook-ingest does ({@code acks=all}). */
    static KafkaProducer<String, String> producer(TartanSystem sys) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sys.kafkaBootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** An ITEM webhook as webhook-ingest publishes it (contracts' envelope around Plaid's body). */
    static EventEnvelope webhook(String itemId, String code, String extraJsonFields) throws Exception {
        String body = "{\"webhook_type\":\"ITEM\",\"webhook_code\":\"" + code + "\",\"item_id\":\"" + itemId + "\","
                + (extraJsonFields == null ? "" : extraJsonFields + ",") + "\"environment\":\"sandbox\"}";
        String deliveryId = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8)));
        PlaidWebhookReceived data = new PlaidWebhookReceived(deliveryId, "ITEM", code, itemId, itemId, sha, now, now,
                "s6-kid", "sandbox", body);
        return new EventEnvelope(EventEnvelope.SPEC_VERSION, deliveryId, PlaidWebhookReceived.eventType("ITEM", code),
                "webhook-ingest", now, itemId, PlaidWebhookReceived.VERSION, EventJson.mapper().valueToTree(data));
    }
}
