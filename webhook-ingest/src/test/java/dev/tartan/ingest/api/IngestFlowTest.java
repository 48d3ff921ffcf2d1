package dev.tartan.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.util.Base64URL;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventHeaders;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.ingest.verification.TestSigner;
import dev.tartan.ingest.verification.WebhookVerifier;
import dev.tartan.testsupport.KafkaTestClient;
import dev.tartan.testsupport.TartanInfraResource;
import dev.tartan.testsupport.TestJwt;
import dev.tartan.testsupport.TopicProbe;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.oneOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ingest against the real broker and PostgreSQL, with a key the test holds (static keys file): routing, envelope,
 * repeats, the hostile corpus (each case its own test, nothing published), operator endpoints.
 */
@QuarkusTest
@TestProfile(StaticKeysProfile.class)
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = "service", value = "ingest"))
class IngestFlowTest {

    static final TestSigner SIGNER = StaticKeysProfile.SIGNER;
    static final List<String> WEBHOOK_TOPICS = List.of(Topics.PLAID_WEBHOOKS_ITEM, Topics.PLAID_WEBHOOKS_IDENTITY,
            Topics.PLAID_WEBHOOKS_BEACON, Topics.PLAID_WEBHOOKS_LINK, Topics.PLAID_WEBHOOKS_AUTH,
            Topics.PLAID_WEBHOOKS_TRANSACTIONS, Topics.PLAID_WEBHOOKS_OTHER);
    static KafkaTestClient kafka;
    @jakarta.inject.Inject
    dev.tartan.ingest.spool.SpoolStore spoolStore;
    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry registry;
    static final Map<String, TopicProbe> probes = new HashMap<>();

    @BeforeAll
    static void watch() {
        kafka = new KafkaTestClient();
        WEBHOOK_TOPICS.forEach(t -> probes.put(t, kafka.watch(t)));
    }

    @AfterAll
    static void close() {
        probes.values().forEach(TopicProbe::close);
        kafka.close();
    }

    static Response post(byte[] body, String jwt) {
        var req = given().contentType("application/json").body(body);
        if (jwt != null) {
            req = req.header("Plaid-Verification", jwt);
        }
        return req.post("/plaid/webhooks");
    }

    static Response post(String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        return post(b, SIGNER.sign(b));
    }

    // ------------------------------------------------------------------ valid traffic

    @Test
    void everyWebhookOfReference2LandsOnItsTopicWithKeyAndEnvelope() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        for (Webhooks.Example ex : Webhooks.all(suffix)) {
            String deliveryId = post(ex.body()).then().statusCode(200).body("status", is("published"))
                    .extract().path("delivery_id");
            String topic = Topics.forWebhookType(ex.type());
            ConsumerRecord<String, String> rec = probes.get(topic)
                    .await(r -> deliveryId.equals(TopicProbe.header(r, EventHeaders.ID)), Duration.ofSeconds(20));
            assertEquals(ex.key(), rec.key(), ex.type() + "." + ex.code());
            EventEnvelope env = EventEnvelope.fromJson(rec.value());
            assertEquals(deliveryId, env.id());
            assertEquals("plaid.webhook." + ex.type() + "." + ex.code(), env.type());
            assertEquals("webhook-ingest", env.source());
            assertEquals(ex.key(), env.subject());
            assertEquals(PlaidWebhookReceived.VERSION, env.dataversion());
            assertEquals(env.type(), TopicProbe.header(rec, EventHeaders.TYPE));
            assertEquals(ex.key(), TopicProbe.header(rec, EventHeaders.SUBJECT));
            assertEquals("webhook-ingest", TopicProbe.header(rec, EventHeaders.SOURCE));
            PlaidWebhookReceived data = env.dataAs(PlaidWebhookReceived.class);
            assertEquals(ex.body(), data.body(), "body unchanged, byte for byte");
            assertEquals(WebhookVerifier.sha256Hex(ex.body().getBytes(StandardCharsets.UTF_8)), data.bodySha256());
            assertEquals(ex.type(), data.webhookType());
            assertEquals(ex.code(), data.webhookCode());
            assertEquals("sandbox", data.environment());
            assertEquals(SIGNER.kid(), data.verificationKeyId());
            assertNotNull(data.jwtIssuedAt());
            assertNotNull(data.receivedAt());
        }
        assertEquals(Topics.PLAID_WEBHOOKS_OTHER, Topics.forWebhookType("INCOME"));
    }

    /**
     * The publisher alternates between its two transactional ids (tartan.ingest.publish.transaction-lanes=2): both
     * carry committed transactions, and deliveries of one Item published one after the other stay in order in their
     * partition although consecutive ones ride on different producers.
     */
    @Test
    void transactionsAlternateBetweenTwoTransactionalIdsInOrder() throws Exception {
        String item = "item-lanes-" + UUID.randomUUID();
        List<String> sent = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String body = Webhooks.body("TRANSACTIONS", "SYNC_UPDATES_AVAILABLE", "item_id", item);
            sent.add(post(body).then().statusCode(200).body("status", is("published")).extract().path("delivery_id"));
        }
        TopicProbe probe = probes.get(Topics.PLAID_WEBHOOKS_TRANSACTIONS);
        probe.await(r -> sent.get(5).equals(TopicProbe.header(r, EventHeaders.ID)), Duration.ofSeconds(20));
        List<String> seen = probe.records().stream().filter(r -> item.equals(r.key()))
                .map(r -> TopicProbe.header(r, EventHeaders.ID)).toList();
        assertEquals(sent, seen, "one Item's deliveries in the order they were accepted");
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var ids = List.of("webhook-ingest.ingest-test-static", "webhook-ingest.ingest-test-static.lane-1");
            var committed = org.apache.kafka.clients.admin.TransactionState.COMPLETE_COMMIT;
            long deadline = System.currentTimeMillis() + 10_000; // the last commit's markers may still be on their way
            Map<String, org.apache.kafka.clients.admin.TransactionDescription> described;
            do {
                described = admin.describeTransactions(ids).all().get(20, java.util.concurrent.TimeUnit.SECONDS);
            } while (!described.values().stream().allMatch(d -> d.state() == committed)
                    && System.currentTimeMillis() < deadline && sleep(100));
            for (String id : ids) {
                assertEquals(committed, described.get(id).state(), id);
            }
            assertNotEquals(described.get(ids.get(0)).producerId(), described.get(ids.get(1)).producerId());
        }
    }

    static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }

    @Test
    void identicalBodiesAreTwoDeliveries() {
        String body = Webhooks.body("TRANSACTIONS", "SYNC_UPDATES_AVAILABLE", "item_id", "item-rep-" + UUID.randomUUID());
        String a = post(body).then().statusCode(200).extract().path("delivery_id");
        String b = post(body).then().statusCode(200).extract().path("delivery_id");
        assertNotEquals(a, b);
        TopicProbe probe = probes.get(Topics.PLAID_WEBHOOKS_TRANSACTIONS);
        var ra = probe.await(r -> a.equals(TopicProbe.header(r, EventHeaders.ID)), Duration.ofSeconds(20));
        var rb = probe.await(r -> b.equals(TopicProbe.header(r, EventHeaders.ID)), Duration.ofSeconds(20));
        assertEquals(EventEnvelope.fromJson(ra.value()).dataAs(PlaidWebhookReceived.class).bodySha256(),
                EventEnvelope.fromJson(rb.value()).dataAs(PlaidWebhookReceived.class).bodySha256());
    }

    @Test
    void spoolIsEmptyOncePublished() throws Exception {
        post(Webhooks.body("ITEM", "ERROR", "item_id", "item-spool-" + UUID.randomUUID())).then().statusCode(200);
        long deadline = System.currentTimeMillis() + 10_000;
        long depth;
        do {
            Thread.sleep(100);
            depth = spoolDepth();
        } while (depth > 0 && System.currentTimeMillis() < deadline);
        assertEquals(0, depth);
    }

    /**
     * Spool-after (2 s in this profile): a delivery whose Kafka transaction commits in time is never written to the
     * spool, so a healthy broker keeps PostgreSQL off the path. With spool-after=0 each of these would be an INSERT.
     */
    @Test
    void aDeliveryOnKafkaInTimeIsNeverWrittenToTheSpool() throws Exception {
        io.micrometer.core.instrument.Timer writes = registry.find("tartan_ingest_spool_write").timer();
        assertNotNull(writes);
        long before = writes.count();
        for (int i = 0; i < 10; i++) {
            post(Webhooks.body("ITEM", "ERROR", "item_id", "item-no-row-" + i + "-" + UUID.randomUUID()))
                    .then().statusCode(200).body("status", equalTo("published"));
        }
        Thread.sleep(2500); // past spool-after: a row due for any of them has been written by now
        assertEquals(before, writes.count(), "spool INSERTs for deliveries already on Kafka");
    }

    @Test
    void recordContinuesTheTraceOfTheRequest() {
        String traceId = UUID.randomUUID().toString().replace("-", "");
        String callerSpan = "00f067aa0ba902b7";
        byte[] body = Webhooks.body("ITEM", "ERROR", "item_id", "item-trace-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        String deliveryId = given().contentType("application/json").body(body)
                .header("Plaid-Verification", SIGNER.sign(body))
                .header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                .post("/plaid/webhooks").then().statusCode(200).extract().path("delivery_id");
        ConsumerRecord<String, String> rec = probes.get(Topics.PLAID_WEBHOOKS_ITEM)
                .await(r -> deliveryId.equals(TopicProbe.header(r, EventHeaders.ID)), Duration.ofSeconds(20));
        String traceparent = TopicProbe.header(rec, EventHeaders.TRACEPARENT);
        assertNotNull(traceparent, "the record carries the request's traceparent");
        String[] parts = traceparent.split("-");
        assertEquals(4, parts.length, traceparent);
        assertEquals(traceId, parts[1], "same trace as the request");
        assertNotEquals(callerSpan, parts[2], "the parent is ingest's own server span, not the caller's");
        assertEquals("01", parts[3], "sampled");
    }

    @Test
    void spoolRowsWrittenBeforeTheTraceparentColumnAreStillRead() throws Exception {
        String owner = "ingest-test-old-row";
        UUID id = UUID.randomUUID();
        try (Connection c = db()) {
            // the V1 column list: what an older ingest left in the spool
            var ps = c.prepareStatement("INSERT INTO webhook_spool (owner, delivery_id, topic, record_key, event_type, envelope, received_at) "
                    + "VALUES (?, ?, 'plaid.webhooks.item', 'item-old', 'plaid.webhook.ITEM.ERROR', '{}', now())");
            ps.setString(1, owner);
            ps.setObject(2, id);
            ps.executeUpdate();
        }
        try {
            List<dev.tartan.ingest.publish.Delivery> rows = spoolStore.readAfter(owner, 0, 10);
            assertEquals(1, rows.size());
            assertEquals(id.toString(), rows.get(0).deliveryId());
            assertEquals("item-old", rows.get(0).key());
            assertEquals(null, rows.get(0).traceparent(), "published without a traceparent header");
        } finally {
            spoolStore.deleteRange(owner, -1, Long.MAX_VALUE);
        }
    }

    /** The relay's housekeeping: bounded DELETEs remove exactly their range; the backlog counts rows above the marker. */
    @Test
    void spoolHousekeepingDeletesItsRangeAndCountsTheBacklogAboveTheMarker() throws Exception {
        String owner = "ingest-test-housekeeping";
        String other = "ingest-test-housekeeping-other";
        try (Connection c = db()) {
            var ps = c.prepareStatement("INSERT INTO webhook_spool (seq, owner, delivery_id, topic, record_key, event_type, envelope, received_at) "
                    + "VALUES (?, ?, ?, 'plaid.webhooks.item', 'k', 'plaid.webhook.ITEM.ERROR', '{}', now())");
            for (long seq = 9_000_001; seq <= 9_000_010; seq++) {
                ps.setLong(1, seq);
                ps.setString(2, seq == 9_000_005 ? other : owner); // another instance's row in the middle
                ps.setObject(3, UUID.randomUUID());
                ps.executeUpdate();
            }
        }
        try {
            assertEquals(9, spoolStore.backlog(owner, 9_000_000));
            assertEquals(4, spoolStore.backlog(owner, 9_000_006), "only rows above the marker");
            assertEquals(3, spoolStore.deleteRange(owner, 9_000_001, 9_000_004), "(after, upTo]: 2, 3, 4");
            assertEquals(6, spoolStore.backlog(owner, 9_000_000));
            assertEquals(0, spoolStore.deleteRange(owner, 9_000_001, 9_000_004), "nothing left in that range");
            assertEquals(4, spoolStore.deleteRange(owner, -1, 9_000_008), "unbounded below: 1, 6, 7, 8 and not 5");
            assertEquals(2, spoolStore.backlog(owner, 0));
            assertEquals(1, spoolStore.backlog(other, 0), "another owner's row is never touched");
        } finally {
            spoolStore.deleteRange(owner, -1, Long.MAX_VALUE);
            spoolStore.deleteRange(other, -1, Long.MAX_VALUE);
        }
    }

    static Connection db() throws Exception {
        return DriverManager.getConnection(TartanInfraResource.jdbcUrl("ingest"),
                dev.tartan.testsupport.TartanInfra.get().postgresUser(), dev.tartan.testsupport.TartanInfra.get().postgresPassword());
    }

    static long spoolDepth() throws Exception {
        try (Connection c = DriverManager.getConnection(TartanInfraResource.jdbcUrl("ingest"),
                dev.tartan.testsupport.TartanInfra.get().postgresUser(), dev.tartan.testsupport.TartanInfra.get().postgresPassword());
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM webhook_spool")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    // ------------------------------------------------------------------ hostile corpus

    /** Posts, checks the status and code, and that nothing with this key reached any webhook topic. */
    static void refused(String key, byte[] body, String jwt, int status, String code) {
        post(body, jwt).then().statusCode(status).body("code", equalTo(code));
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (TopicProbe p : probes.values()) {
            assertTrue(p.records().stream().noneMatch(r -> key.equals(r.key())), "published despite rejection: " + key);
        }
    }

    static String uniqueKey() {
        return "item-hostile-" + UUID.randomUUID();
    }

    static byte[] bodyFor(String key) {
        return Webhooks.body("ITEM", "ERROR", "item_id", key).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void badSignature() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        String[] p = SIGNER.sign(body).split("\\.");
        byte[] sig = Base64URL.from(p[2]).decode();
        sig[5] ^= 0x40;
        refused(key, body, p[0] + "." + p[1] + "." + Base64URL.encode(sig), 401, "bad_signature");
    }

    @Test
    void signedByAnotherKeyWithOurKid() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        TestSigner other = new TestSigner();
        String[] theirs = other.sign(body).split("\\.");
        String[] ours = SIGNER.sign(body).split("\\.");
        refused(key, body, ours[0] + "." + ours[1] + "." + theirs[2], 401, "bad_signature");
    }

    @Test
    void bodyChangedByOneByte() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        String jwt = SIGNER.sign(body);
        byte[] changed = body.clone();
        changed[changed.length - 4] = (byte) 'X';
        refused(key, changed, jwt, 401, "body_hash_mismatch");
    }

    @Test
    void reserializedBody() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        String jwt = SIGNER.sign(body);
        byte[] compact = new String(body, StandardCharsets.UTF_8).replace("\n", "").replace("  ", "").replace(": ", ":")
                .getBytes(StandardCharsets.UTF_8);
        refused(key, compact, jwt, 401, "body_hash_mismatch");
    }

    @Test
    void staleIat() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        refused(key, body, SIGNER.sign(body, Instant.now().minusSeconds(301)), 401, "stale_iat");
    }

    @Test
    void futureIat() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        refused(key, body, SIGNER.sign(body, Instant.now().plusSeconds(120)), 401, "future_iat");
    }

    static String reheadered(String alg, byte[] body) {
        String[] p = SIGNER.sign(body).split("\\.");
        String header = Base64URL.encode("{\"alg\":\"" + alg + "\",\"kid\":\"" + SIGNER.kid() + "\",\"typ\":\"JWT\"}").toString();
        return header + "." + p[1] + "." + p[2];
    }

    @Test
    void algNone() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        String[] p = SIGNER.sign(body).split("\\.");
        String header = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + SIGNER.kid() + "\"}").toString();
        refused(key, body, header + "." + p[1] + ".", 401, "alg_not_allowed");
    }

    @Test
    void algHs256() throws Exception {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        // the classic confusion: HMAC keyed with the public key's bytes
        String[] p = reheadered("HS256", body).split("\\.");
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SIGNER.key.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String sig = Base64URL.encode(mac.doFinal((p[0] + "." + p[1]).getBytes(StandardCharsets.US_ASCII))).toString();
        refused(key, body, p[0] + "." + p[1] + "." + sig, 401, "alg_not_allowed");
    }

    @Test
    void algRs256() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        refused(key, body, reheadered("RS256", body), 401, "alg_not_allowed");
    }

    @Test
    void unknownKid() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        String[] p = SIGNER.sign(body).split("\\.");
        String header = Base64URL.encode("{\"alg\":\"ES256\",\"kid\":\"" + UUID.randomUUID() + "\",\"typ\":\"JWT\"}").toString();
        refused(key, body, header + "." + p[1] + "." + p[2], 401, "unknown_kid");
    }

    @Test
    void missingHeader() {
        String key = uniqueKey();
        refused(key, bodyFor(key), null, 401, "missing_header");
    }

    @Test
    void garbledHeader() {
        String key = uniqueKey();
        refused(key, bodyFor(key), "eyJ!!not-a-jwt", 401, "malformed_jwt");
    }

    @Test
    void truncatedJwt() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        String jwt = SIGNER.sign(body);
        refused(key, body, jwt.substring(0, jwt.lastIndexOf('.')), 401, "malformed_jwt");
    }

    @Test
    void truncatedSignature() {
        String key = uniqueKey();
        byte[] body = bodyFor(key);
        String jwt = SIGNER.sign(body);
        refused(key, body, jwt.substring(0, jwt.length() - 10), 401, "bad_signature");
    }

    @Test
    void oversizedBody() {
        String key = uniqueKey();
        String big = "{\"webhook_type\":\"ITEM\",\"webhook_code\":\"ERROR\",\"item_id\":\"" + key + "\",\"pad\":\""
                + "x".repeat(300_000) + "\"}";
        byte[] body = big.getBytes(StandardCharsets.UTF_8);
        refused(key, body, SIGNER.sign(body), 413, "body_too_large");
    }

    @Test
    void invalidJson() {
        String key = uniqueKey();
        byte[] body = ("{\"webhook_type\":\"ITEM\",\"webhook_code\":\"ERROR\",\"item_id\":\"" + key + "\"")
                .getBytes(StandardCharsets.UTF_8);
        refused(key, body, SIGNER.sign(body), 400, "malformed_body");
    }

    @Test
    void jsonWithoutTypeAndCode() {
        String key = uniqueKey();
        byte[] body = ("{\"item_id\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8);
        refused(key, body, SIGNER.sign(body), 400, "malformed_body");
    }

    @Test
    void invalidUtf8() {
        String key = uniqueKey();
        byte[] head = ("{\"webhook_type\":\"ITEM\",\"webhook_code\":\"ERROR\",\"item_id\":\"" + key + "\",\"x\":\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + 4];
        System.arraycopy(head, 0, body, 0, head.length);
        body[head.length] = (byte) 0xC3;
        body[head.length + 1] = (byte) 0x28;
        body[head.length + 2] = '"';
        body[head.length + 3] = '}';
        refused(key, body, SIGNER.sign(body), 400, "invalid_utf8");
    }

    // ------------------------------------------------------------------ operations

    @Test
    void operatorEndpointsNeedTheOperatorRole() {
        given().get("/operator/spool").then().statusCode(401);
        given().auth().oauth2(TestJwt.token("app-backend", "app")).get("/operator/spool").then().statusCode(403);
        given().auth().oauth2(TestJwt.token("ops", "operator")).get("/operator/spool").then().statusCode(200)
                .body("publisher_mode", oneOf("LIVE", "RECOVERING"));
        post(bodyFor(uniqueKey()), "garbage").then().statusCode(401);
        JsonNode rej = given().auth().oauth2(TestJwt.token("ops", "operator")).get("/operator/rejections")
                .then().statusCode(200).extract().as(JsonNode.class);
        assertTrue(rej.path("counts").path("malformed_jwt").asDouble() >= 1);
        given().auth().oauth2(TestJwt.token("ops", "operator")).get("/operator/keys").then().statusCode(200)
                .body("provider", org.hamcrest.Matchers.startsWith("accp"));
    }

    @Test
    void healthAndMetrics() {
        given().get("/q/health/ready").then().statusCode(200).body("checks.find { it.name == 'webhook-ingest' }.data.spool", is("up"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String m : List.of("tartan_webhooks_rejected_total", "tartan_ingest_spool_depth", "tartan_ingest_key_fetches_total",
                "tartan_ingest_publish_latency", "tartan_webhooks_spooled_total")) {
            assertTrue(metrics.contains(m), m);
        }
    }
}
