package dev.tartan.system.e2e;

import static dev.tartan.system.e2e.E2e.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import dev.tartan.contracts.EventHeaders;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Journey;
import dev.tartan.system.harness.TartanSystem;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;

/**
 * Issue #12: one signed ITEM ERROR webhook is one trace, from webhook-ingest's HTTP server span, through the record on
 * {@code plaid.webhooks.item} (its {@code traceparent} header), item-service's consumer span for that record, to the
 * {@code relink.requested} command on {@code tartan.commands.relink} (its {@code traceparent} header, same trace id).
 *
 * <p>The services export their spans over OTLP/HTTP to {@link OtlpReceiver} in this JVM ({@link E2e}); the records'
 * headers are read back from the broker at the offsets the {@link EventWatch} saw them at.
 */
@Order(7)
@Tag("e2e")
class S7OneTraceTest {

    @Test
    void oneWebhookIsOneTraceFromHttpThroughKafkaToTheCommand() {
        TartanSystem sys = E2e.system();
        Journey j = E2e.journey();
        EventWatch w = E2e.watch();
        OtlpReceiver otlp = E2e.otlp();
        String user = E2e.user("s7");
        Journey.Linked linked = j.linkBank(user, Journey.DEFAULT_INSTITUTION, List.of("0000"), List.of("auth"));
        String itemId = linked.itemId();
        j.awaitItemStatus(user, itemId, "HEALTHY", WAIT);

        j.fireItemWebhook(itemId, "ERROR", null);
        EventWatch.Seen webhook = w.await("ITEM ERROR webhook for " + itemId,
                s -> s.topic().equals(Topics.PLAID_WEBHOOKS_ITEM) && itemId.equals(s.key())
                        && "plaid.webhook.ITEM.ERROR".equals(s.type()), WAIT);
        EventWatch.Seen command = w.await(EventTypes.RELINK_REQUESTED, itemId, WAIT);
        assertEquals(Topics.COMMANDS_RELINK, command.topic());

        // 1. both records carry a W3C traceparent, with one trace id
        Traceparent webhookTrace = Traceparent.parse(header(sys, webhook, EventHeaders.TRACEPARENT));
        Traceparent commandTrace = Traceparent.parse(header(sys, command, EventHeaders.TRACEPARENT));
        assertEquals(webhookTrace.traceId(), commandTrace.traceId(),
                "relink.requested continues the webhook's trace: " + webhookTrace + " vs " + commandTrace);
        assertTrue(webhookTrace.sampled() && commandTrace.sampled(), "sampled (parentbased_always_on)");

        // 2. the spans of that trace reached the collector
        String traceId = webhookTrace.traceId();
        OtlpReceiver.ReceivedSpan ingestServer = awaitSpan(otlp, traceId, "webhook-ingest's HTTP server span",
                s -> s.service().equals(TartanSystem.INGEST) && s.kind() == SpanKind.SPAN_KIND_SERVER
                        && s.spanId().equals(webhookTrace.parentSpanId()));
        assertTrue(ingestServer.name().contains("POST") && ingestServer.name().contains("/plaid/webhooks"),
                "the server span is the webhook POST: " + ingestServer);
        OtlpReceiver.ReceivedSpan itemSpan = awaitSpan(otlp, traceId, "item-service's span the command was written under",
                s -> s.service().equals(TartanSystem.ITEM) && s.spanId().equals(commandTrace.parentSpanId()));
        assertEquals(SpanKind.SPAN_KIND_CONSUMER, itemSpan.kind(), "item-service's consumer span for the record: " + itemSpan);

        // 3. one tree: item-service's span descends from ingest's server span (through the record's context)
        Map<String, OtlpReceiver.ReceivedSpan> byId = new HashMap<>();
        otlp.trace(traceId).forEach(s -> byId.put(s.spanId(), s));
        List<String> chain = new java.util.ArrayList<>();
        OtlpReceiver.ReceivedSpan at = itemSpan;
        while (at != null && !at.spanId().equals(ingestServer.spanId())) {
            chain.add(at.service() + ":" + at.name());
            at = at.isRoot() ? null : byId.get(at.parentSpanId());
        }
        if (at == null) {
            fail("item-service's span does not descend from ingest's server span; chain " + chain + "; trace:\n"
                    + describe(otlp.trace(traceId)));
        }
        System.out.printf("  trace %s: %s%n", traceId, describe(otlp.trace(traceId)));
    }

    /** A W3C traceparent: {@code 00-<32 hex trace id>-<16 hex parent span id>-<2 hex flags>}. */
    record Traceparent(String traceId, String parentSpanId, String flags) {
        static Traceparent parse(String header) {
            assertNotNull(header, "traceparent header");
            String[] p = header.split("-");
            assertTrue(p.length == 4 && p[0].equals("00") && p[1].matches("[0-9a-f]{32}") && p[2].matches("[0-9a-f]{16}")
                    && !p[1].matches("0+") && !p[2].matches("0+"), "a valid W3C traceparent: " + header);
            return new Traceparent(p[1], p[2], p[3]);
        }

        boolean sampled() {
            return (Integer.parseInt(flags, 16) & 1) == 1;
        }
    }

    /** The header of the record the watch saw, read back from the broker at its partition and offset. */
    static String header(TartanSystem sys, EventWatch.Seen seen, String name) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sys.kafkaBootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(seen.topic(), seen.partition());
            c.assign(List.of(tp));
            c.seek(tp, seen.offset());
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(500))) {
                    if (r.offset() == seen.offset()) {
                        Header h = r.headers().lastHeader(name);
                        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
                    }
                }
            }
        }
        throw new AssertionError("record " + seen.topic() + "-" + seen.partition() + "@" + seen.offset() + " not read back");
    }

    static OtlpReceiver.ReceivedSpan awaitSpan(OtlpReceiver otlp, String traceId, String what,
            Predicate<OtlpReceiver.ReceivedSpan> p) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            var found = otlp.trace(traceId).stream().filter(p).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " in trace " + traceId + " within " + WAIT + " (" + otlp.summary()
                        + "); the trace has:\n" + describe(otlp.trace(traceId)));
            }
            TartanSleep.quiet(Duration.ofMillis(200));
        }
    }

    static String describe(List<OtlpReceiver.ReceivedSpan> spans) {
        return spans.stream().map(s -> "    " + s.service() + " " + s.kind() + " '" + s.name() + "' span " + s.spanId()
                + " parent " + (s.isRoot() ? "-" : s.parentSpanId())).collect(Collectors.joining("\n"));
    }
}
