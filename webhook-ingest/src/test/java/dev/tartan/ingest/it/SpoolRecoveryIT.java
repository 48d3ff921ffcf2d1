package dev.tartan.ingest.it;

import com.nimbusds.jose.jwk.JWKSet;
import dev.tartan.contracts.EventHeaders;
import dev.tartan.contracts.Topics;
import dev.tartan.infra.InfraProcess;
import dev.tartan.infra.Ports;
import dev.tartan.infra.TopicSetup;
import dev.tartan.ingest.verification.TestSigner;
import dev.tartan.testsupport.TartanInfra;
import dev.tartan.testsupport.TestJwt;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Process-level proofs with the packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a child process, its
 * own Kafka broker (stopped and restarted here) and the test JVM's PostgreSQL: a broker outage while webhooks keep
 * arriving, ingest killed with a non-empty spool, and ingest killed with SIGKILL in the middle of live traffic. In
 * every case each delivery answered 200 is on Kafka exactly once (read_committed, from the beginning of every webhook
 * topic of this dedicated broker).
 */
class SpoolRecoveryIT {

    static final List<String> TOPICS = List.of(Topics.PLAID_WEBHOOKS_ITEM, Topics.PLAID_WEBHOOKS_IDENTITY,
            Topics.PLAID_WEBHOOKS_BEACON, Topics.PLAID_WEBHOOKS_LINK, Topics.PLAID_WEBHOOKS_AUTH,
            Topics.PLAID_WEBHOOKS_TRANSACTIONS, Topics.PLAID_WEBHOOKS_OTHER);
    static final TestSigner SIGNER = new TestSigner();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static Path dir;
    static Path keysFile;
    static int kafkaPort;
    static int controllerPort;
    static InfraProcess broker;
    static String jdbcUrl;

    InfraProcess ingest;
    int httpPort;
    /** delivery ids answered 200 in this test */
    final Set<String> accepted = ConcurrentHashMap.newKeySet();

    @BeforeAll
    static void infra() throws Exception {
        dir = Files.createTempDirectory("ingest-it");
        keysFile = dir.resolve("keys.json");
        Files.writeString(keysFile, new JWKSet(SIGNER.key.toPublicJWK()).toString(true));
        kafkaPort = Ports.free();
        controllerPort = Ports.free();
        startBroker();
        TartanInfra pg = TartanInfra.get();
        jdbcUrl = pg.jdbcUrl(pg.createDatabase("ingest_it"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.stop(Duration.ofSeconds(10));
        }
    }

    @BeforeEach
    void start() {
        startIngest();
    }

    @AfterEach
    void stop() {
        if (ingest != null) {
            ingest.stop(Duration.ofSeconds(20));
        }
    }

    static String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    static void startBroker() {
        broker = InfraProcess.startKafka(dir.resolve("kafka"), kafkaPort, controllerPort).waitReady(Duration.ofSeconds(120));
        TopicSetup.ensureTartanTopics(bootstrap(), Duration.ofSeconds(60));
    }

    void startIngest() {
        startIngest(Map.of());
    }

    void startIngest(Map<String, String> properties) {
        httpPort = Ports.free();
        TartanInfra pg = TartanInfra.get();
        InfraProcess.Builder b = InfraProcess.builder("webhook-ingest")
                .jar(Path.of(System.getProperty("ingest.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath())
                .jvmArgs(new ArrayList<>(List.of("-Xmx256m")))
                .systemProperty("quarkus.http.port", String.valueOf(httpPort))
                .systemProperty("kafka.bootstrap.servers", bootstrap())
                .systemProperty("quarkus.datasource.jdbc.url", jdbcUrl)
                .systemProperty("quarkus.datasource.username", pg.postgresUser())
                .systemProperty("quarkus.datasource.password", pg.postgresPassword())
                .systemProperty("tartan.ingest.instance-id", "ingest-it")
                .systemProperty("tartan.ingest.publish.spool-catch-up-interval", "2s")
                .systemProperty("tartan.ingest.verification.static-keys-file", keysFile.toString())
                .systemProperty("tartan.plaid.token-encryption.active-key-id", "k1")
                .systemProperty("tartan.plaid.token-encryption.keys.k1", Base64.getEncoder().encodeToString(new byte[32]))
                .port(httpPort)
                .logFile(dir.resolve("ingest.log"))
                .readiness(() -> get("/q/health/ready") == 200);
        TestJwt.configOverrides().forEach(b::systemProperty);
        properties.forEach(b::systemProperty);
        ingest = b.start().waitReady(Duration.ofSeconds(90));
    }

    int get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Posts one signed webhook; returns [status, status-field] and remembers the delivery id if accepted. */
    String[] post(String key) {
        byte[] body = ("{\n  \"webhook_type\": \"TRANSACTIONS\",\n  \"webhook_code\": \"SYNC_UPDATES_AVAILABLE\",\n  \"item_id\": \""
                + key + "\",\n  \"environment\": \"sandbox\"\n}").getBytes(StandardCharsets.UTF_8);
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/plaid/webhooks"))
                    .timeout(Duration.ofSeconds(15)).header("Plaid-Verification", SIGNER.sign(body))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                String id = r.body().replaceAll(".*\"delivery_id\"\\s*:\\s*\"([^\"]+)\".*", "$1");
                accepted.add(id);
                return new String[] {"200", r.body().contains("spooled") ? "spooled" : "published"};
            }
            return new String[] {String.valueOf(r.statusCode()), r.body()};
        } catch (Exception e) {
            return new String[] {"-1", e.toString()};
        }
    }

    long spoolDepth() throws Exception {
        TartanInfra pg = TartanInfra.get();
        try (Connection c = DriverManager.getConnection(jdbcUrl, pg.postgresUser(), pg.postgresPassword());
             ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM webhook_spool")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Reads every webhook topic from the beginning until all accepted ids are there (or timeout); counts per id. */
    Map<String, Integer> awaitAllOnKafka(Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : TOPICS) {
                consumer.partitionsFor(t, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(t, i.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    Header h = r.headers().lastHeader(EventHeaders.ID);
                    seen.merge(new String(h.value(), StandardCharsets.UTF_8), 1, Integer::sum);
                }
                if (quietUntil == Long.MAX_VALUE && seen.keySet().containsAll(accepted)) {
                    quietUntil = System.currentTimeMillis() + 3000; // keep reading: a duplicate would show up now
                }
            }
        }
        return seen;
    }

    void assertExactlyOnce(Map<String, Integer> seen) {
        Set<String> missing = new HashSet<>(accepted);
        missing.removeAll(seen.keySet());
        assertTrue(missing.isEmpty(), missing.size() + " accepted deliveries missing from Kafka, e.g. " + missing.stream().limit(3).toList());
        for (String id : accepted) {
            assertEquals(1, seen.get(id), "delivery " + id + " on Kafka " + seen.get(id) + " times");
        }
    }

    @Test
    void brokerStoppedWhileWebhooksKeepArriving() throws Exception {
        for (int i = 0; i < 20; i++) {
            assertEquals("200", post("item-before-" + i)[0]);
        }
        broker.stop(Duration.ofSeconds(30));
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<long[]>> results = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String key = "item-outage-" + (i % 7);
            results.add(pool.submit(() -> {
                long t0 = System.nanoTime();
                String[] r = post(key);
                return new long[] {Long.parseLong(r[0]), (System.nanoTime() - t0) / 1_000_000};
            }));
            Thread.sleep(50);
        }
        long worst = 0;
        for (Future<long[]> f : results) {
            long[] r = f.get();
            assertEquals(200, r[0], "answered during the outage");
            worst = Math.max(worst, r[1]);
        }
        pool.shutdown();
        assertTrue(worst < 10_000, "slowest answer during the outage: " + worst + " ms");
        assertTrue(spoolDepth() >= 60, "the outage's deliveries wait in the spool: " + spoolDepth());
        startBroker();
        assertExactlyOnce(awaitAllOnKafka(Duration.ofSeconds(120)));
        long deadline = System.currentTimeMillis() + 20_000;
        while (spoolDepth() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(0, spoolDepth(), "spool drained");
        System.out.printf("broker outage: 60 answered 200, slowest %d ms%n", worst);
    }

    @Test
    void ingestKilledAndRestartedWithNonEmptySpool() throws Exception {
        broker.stop(Duration.ofSeconds(30));
        for (int i = 0; i < 30; i++) {
            assertEquals("200", post("item-killed-" + i)[0]);
        }
        assertTrue(spoolDepth() >= 30);
        ingest.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
        startBroker();
        startIngest();
        assertExactlyOnce(awaitAllOnKafka(Duration.ofSeconds(120)));
    }

    @Test
    void ingestKilledMidStreamUnderLoad() throws Exception {
        AtomicBoolean run = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<?>> senders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int thread = t;
            senders.add(pool.submit(() -> {
                int i = 0;
                while (run.get()) {
                    post("item-load-" + thread + "-" + (i++ % 50));
                }
            }));
        }
        Thread.sleep(5000);
        int before = accepted.size();
        ingest.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS); // in the middle of transactions
        Thread.sleep(500);
        startIngest();
        Thread.sleep(5000);
        run.set(false);
        for (Future<?> f : senders) {
            f.get();
        }
        pool.shutdown();
        assertTrue(before > 5 && accepted.size() > before, "traffic before and after the kill: " + before + ", " + accepted.size());
        assertExactlyOnce(awaitAllOnKafka(Duration.ofSeconds(120)));
        System.out.printf("kill -9 under load: %d deliveries accepted, each on Kafka once%n", accepted.size());
    }

    /**
     * Overlap window 1: the Kafka transaction commits while the spool INSERT of the same deliveries is still blocked
     * (the test holds a lock on the spool table), then ingest is SIGKILLed and the orphaned INSERT commits afterwards,
     * from the dead process's server session. Those rows carry seqs at or below the committed marker: the restarted
     * ingest must delete them, not publish them a second time. (Before the overlap, the same sequence duplicated:
     * the requests went direct after the spool timeout and the late rows, above the marker, were republished.)
     */
    @Test
    void kafkaCommitsBeforeTheSpoolInsertThenIngestKilled() throws Exception {
        // spool-after=0: every delivery's INSERT starts at once, so it is running while the transaction commits (by
        // default only a transaction slower than spool-after meets its INSERT like this)
        ingest.stop(Duration.ofSeconds(20));
        startIngest(Map.of("tartan.ingest.publish.spool-after", "0"));
        assertEquals("200", post("item-warm")[0]);
        awaitSpoolEmpty(); // no DELETE may be pending: it would wait behind the lock and stall the publisher
        try (Connection lock = spoolConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE webhook_spool IN SHARE ROW EXCLUSIVE MODE"); // blocks INSERT, not SELECT
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<String[]>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String key = "item-overlap-" + i;
                answers.add(pool.submit(() -> post(key)));
            }
            for (Future<String[]> f : answers) {
                String[] r = f.get();
                assertEquals("200", r[0], "answered while the spool INSERT waits: " + r[1]);
                assertEquals("published", r[1], "durable on Kafka although not (yet) in the spool");
            }
            pool.shutdown();
            assertEquals(0, spoolDepth(), "no spool row committed yet");
            ingest.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            lock.commit(); // the dead process's INSERT now runs and commits on the server
        }
        long deadline = System.currentTimeMillis() + 10_000;
        while (spoolDepth() == 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(spoolDepth() > 0, "the orphaned INSERT committed rows whose records are already on Kafka");
        startIngest();
        assertEquals("200", post("item-after-restart")[0]);
        assertExactlyOnce(awaitAllOnKafka(Duration.ofSeconds(60)));
        awaitSpoolEmpty();
    }

    /**
     * Overlap window 2: a Kafka transaction fails (the test fences ingest's producer with its transactional.id) while
     * the INSERT of the same delivery is still blocked, and recovery runs — fence, marker read back — before that
     * lower seq commits. Recovery must wait for the INSERT to settle before reading the spool: otherwise it goes live,
     * the next delivery moves the marker past the late row, and an accepted ("spooled") delivery is lost.
     */
    @Test
    void kafkaTransactionFailsWhileALowerSeqIsStillCommitting() throws Exception {
        assertEquals("200", post("item-warm")[0]);
        awaitSpoolEmpty(); // no DELETE may be pending: it would wait behind the lock and stall the publisher
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<String[]> first;
        Future<String[]> second;
        try (Connection lock = spoolConnection()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("LOCK TABLE webhook_spool IN SHARE ROW EXCLUSIVE MODE");
            fenceIngestProducer();
            first = pool.submit(() -> post("item-late-commit")); // handed over; its transaction fails (fenced)
            Thread.sleep(300);
            second = pool.submit(() -> post("item-behind-it")); // waits behind the blocked INSERT
            Thread.sleep(3000); // ingest has fenced back and read the marker by now; recovery must still wait
            lock.commit();
        }
        String[] a = first.get();
        String[] b = second.get();
        pool.shutdown();
        assertEquals("200", a[0], "the delivery whose INSERT committed late: " + a[1]);
        assertEquals("spooled", a[1], "its transaction was aborted, its spool row is what made it durable");
        assertEquals("200", b[0], b[1]);
        for (int i = 0; i < 5; i++) {
            assertEquals("200", post("item-later-" + i)[0]); // live again: these move the marker on
        }
        assertExactlyOnce(awaitAllOnKafka(Duration.ofSeconds(60)));
        awaitSpoolEmpty();
    }

    /**
     * A row a killed predecessor's session commits only after this process's first DELETE (seq below every seq this
     * process uses, at or below the marker): the regular DELETEs start where the last one stopped and never see it; the
     * periodic catch-up below the first seq removes it, and it is never published.
     */
    @Test
    void aPredecessorsRowCommittedAfterTheFirstDeleteIsRemovedNotPublished() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertEquals("200", post("item-before-straggler-" + i)[0]);
        }
        awaitSpoolEmpty(); // the first (unbounded) DELETE has run
        UUID straggler = UUID.randomUUID();
        try (Connection c = spoolConnection()) {
            var ps = c.prepareStatement("INSERT INTO webhook_spool (seq, owner, delivery_id, topic, record_key, event_type, envelope, received_at) "
                    + "VALUES (0, 'ingest-it', ?, 'plaid.webhooks.item', 'item-straggler', 'plaid.webhook.ITEM.ERROR', '{}', now())");
            ps.setObject(1, straggler);
            ps.executeUpdate();
        }
        assertEquals("200", post("item-after-straggler")[0]); // moves the marker and the regular DELETE on
        awaitSpoolEmpty(); // within the 2 s catch-up interval set for this test
        Map<String, Integer> seen = awaitAllOnKafka(Duration.ofSeconds(60));
        assertExactlyOnce(seen);
        assertFalse(seen.containsKey(straggler.toString()), "a row at or below the marker is never published");
    }

    /**
     * Upgrade from a release that kept the marker as a consumer-group offset: an instance whose marker topic holds no
     * record of it continues from that offset (rows at or below it deleted, rows above it published once), and its
     * first transaction writes a marker record.
     */
    @Test
    void anUpgradedInstanceContinuesFromTheConsumerGroupMarker() throws Exception {
        ingest.stop(Duration.ofSeconds(20));
        String instance = "ingest-upgraded-" + UUID.randomUUID().toString().substring(0, 8);
        // four seqs taken from the spool's own sequence, as the old release would have: s[1] is the old marker
        List<Long> seqs = new ArrayList<>();
        Map<Long, String> rows = new HashMap<>();
        try (Connection c = spoolConnection()) {
            ResultSet rs = c.createStatement().executeQuery("SELECT nextval('webhook_spool_seq_seq') FROM generate_series(1, 4)");
            while (rs.next()) {
                seqs.add(rs.getLong(1));
            }
            var ps = c.prepareStatement("INSERT INTO webhook_spool (seq, owner, delivery_id, topic, record_key, event_type, envelope, received_at) "
                    + "VALUES (?, ?, ?, 'plaid.webhooks.item', 'item-upgrade', 'plaid.webhook.ITEM.ERROR', '{}', now())");
            for (long seq : seqs) {
                UUID id = UUID.randomUUID();
                rows.put(seq, id.toString());
                ps.setLong(1, seq);
                ps.setString(2, instance);
                ps.setObject(3, id);
                ps.executeUpdate();
            }
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.alterConsumerGroupOffsets("webhook-ingest.spool-marker." + instance,
                    Map.of(new TopicPartition(Topics.PLAID_WEBHOOKS_OTHER, 0), new OffsetAndMetadata(seqs.get(1), "spool-seq tx=old:1")))
                    .all().get(30, TimeUnit.SECONDS);
        }
        accepted.add(rows.get(seqs.get(2)));
        accepted.add(rows.get(seqs.get(3)));
        startIngest(Map.of("tartan.ingest.instance-id", instance));
        Map<String, Integer> seen = awaitAllOnKafka(Duration.ofSeconds(60));
        assertExactlyOnce(seen);
        assertFalse(seen.containsKey(rows.get(seqs.get(0))) || seen.containsKey(rows.get(seqs.get(1))),
                "rows at or below the old marker are on Kafka already and are never republished");
        assertEquals(String.valueOf(seqs.get(3)), lastMarkerRecord(instance).split(" ")[0],
                "the first transaction wrote a marker record");
    }

    /** The value of the last committed record of {@code instance} in the marker topic. */
    String lastMarkerRecord(String instance) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        String last = null;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition("webhook-ingest.spool-markers", 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.currentTimeMillis() + 30_000;
            while (consumer.position(tp) < end && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
                    if (instance.equals(r.key())) {
                        last = r.value();
                    }
                }
            }
        }
        return String.valueOf(last);
    }

    /**
     * Only the second lane's transactional.id is fenced: the next transaction that lane carries fails, while the other
     * lane's go through. Recovery must fence both again, resolve the failed one from the marker and lose nothing.
     */
    @Test
    void aTransactionFencedOnTheSecondLaneIsRecoveredExactlyOnce() throws Exception {
        for (int i = 0; i < 4; i++) {
            assertEquals("200", post("item-lanes-warm-" + i)[0]);
        }
        long recoveriesBefore = recoveriesLogged();
        fenceIngestProducer("webhook-ingest.ingest-it.lane-1");
        for (int i = 0; i < 10; i++) {
            String[] r = post("item-lanes-" + i);
            assertEquals("200", r[0], r[1]);
        }
        // The fenced lane's failure surfaces at its commit (its records are refused), and the answers above may all go
        // out as spooled while the publisher recovers, before the child's log line reaches the file: wait for it.
        long deadline = System.currentTimeMillis() + 15_000;
        while (recoveriesLogged() <= recoveriesBefore && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(recoveriesLogged() > recoveriesBefore, "a transaction on the fenced lane failed and was recovered");
        assertExactlyOnce(awaitAllOnKafka(Duration.ofSeconds(60)));
        awaitSpoolEmpty();
    }

    long recoveriesLogged() throws Exception {
        try (var lines = Files.lines(dir.resolve("ingest.log"))) {
            return lines.filter(l -> l.contains("recovering from the spool")).count();
        }
    }

    /** Bumps the epoch of both of ingest's transactional.ids: its next transaction fails with "fenced". */
    void fenceIngestProducer() {
        fenceIngestProducer("webhook-ingest.ingest-it", "webhook-ingest.ingest-it.lane-1");
    }

    void fenceIngestProducer(String... transactionalIds) {
        for (String id : transactionalIds) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
            try (KafkaProducer<String, String> fencer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                fencer.initTransactions();
            }
        }
    }

    Connection spoolConnection() throws Exception {
        TartanInfra pg = TartanInfra.get();
        return DriverManager.getConnection(jdbcUrl, pg.postgresUser(), pg.postgresPassword());
    }

    void awaitSpoolEmpty() throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (spoolDepth() > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(0, spoolDepth(), "spool drained");
    }
}
