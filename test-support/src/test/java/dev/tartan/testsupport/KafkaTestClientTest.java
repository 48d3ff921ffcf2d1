package dev.tartan.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.tartan.contracts.Topics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaTestClientTest {

    @Test
    void sendAndWatchRoundTripWithHeaders() {
        try (KafkaTestClient kafka = new KafkaTestClient()) {
            kafka.send(Topics.USERS_ACTIVITY, "before", "{\"seen\":false}");
            try (TopicProbe probe = kafka.watch(Topics.USERS_ACTIVITY)) {
                kafka.send(Topics.USERS_ACTIVITY, "u-1", "{\"n\":1}", Map.of("ce_type", "tartan.user.activity.v1"));
                kafka.send(Topics.USERS_ACTIVITY, "u-2", "{\"n\":2}");

                ConsumerRecord<String, String> second = probe.await(r -> "u-2".equals(r.key()), Duration.ofSeconds(20));
                assertEquals("{\"n\":2}", second.value());
                List<ConsumerRecord<String, String>> both = probe.awaitCount(2, Duration.ofSeconds(20));
                assertTrue(both.stream().noneMatch(r -> "before".equals(r.key())), "starts at the end");
                ConsumerRecord<String, String> first = probe.awaitKey("u-1", Duration.ofSeconds(1));
                assertEquals("tartan.user.activity.v1", TopicProbe.header(first, "ce_type"));
                probe.assertNoMore(Duration.ofMillis(500));

                kafka.send(Topics.USERS_ACTIVITY, "u-3", "{\"n\":3}");
                AssertionError extra = assertThrows(AssertionError.class, () -> probe.assertNoMore(Duration.ofSeconds(10)));
                assertTrue(extra.getMessage().contains("u-3"), extra.getMessage());
                assertEquals(3, probe.records().size());
                probe.assertNoMore(Duration.ofMillis(200));
            }
        }
    }

    @Test
    void awaitReportsWhatArrivedWhenNothingMatches() {
        try (KafkaTestClient kafka = new KafkaTestClient(); TopicProbe probe = kafka.watch(Topics.FRAUD_EVENTS)) {
            kafka.send(Topics.FRAUD_EVENTS, "k", "{\"other\":true}");
            AssertionError e = assertThrows(AssertionError.class,
                    () -> probe.await(r -> r.value().contains("never"), Duration.ofSeconds(3)));
            assertTrue(e.getMessage().contains("other"), e.getMessage());
            assertThrows(AssertionError.class, () -> probe.awaitCount(5, Duration.ofMillis(500)));
        }
    }

    @Test
    void unknownTopicsAreRefusedClearly() {
        try (KafkaTestClient kafka = new KafkaTestClient()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> kafka.watch("no.such.topic"));
            assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
        }
    }
}
