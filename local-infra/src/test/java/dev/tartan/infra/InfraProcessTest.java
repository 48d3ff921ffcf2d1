package dev.tartan.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker and the database as real child processes: start, serve, stop, and keep their data across restarts. */
class InfraProcessTest {

    @TempDir
    Path tmp;

    @Test
    void kafkaFormatsOnceAndKeepsTopicsAndRecordsAcrossRestart() throws Exception {
        Path dir = tmp.resolve("kafka");
        int port = Ports.free();
        int controllerPort = Ports.free();
        String bootstrap = "127.0.0.1:" + port;

        long t0 = System.nanoTime();
        InfraProcess kafka = InfraProcess.startKafka(dir, port, controllerPort).waitReady(Duration.ofSeconds(90));
        System.out.printf("kafka fresh start: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        try {
            List<String> created = TopicSetup.ensureTartanTopics(bootstrap, Duration.ofSeconds(60));
            assertEquals(TopicSetup.tartanTopics().size(), created.size(), "all topics created on a fresh broker");
            try (Admin admin = admin(bootstrap)) {
                var d = admin.describeTopics(List.of("plaid.webhooks.item")).allTopicNames().get(30, TimeUnit.SECONDS);
                assertEquals(12, d.get("plaid.webhooks.item").partitions().size());
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()))) {
                p.send(new ProducerRecord<>("tartan.items.events", "item-1", "{\"n\":1}")).get(30, TimeUnit.SECONDS);
            }
        } finally {
            kafka.stop();
        }
        assertFalse(kafka.isAlive());
        assertFalse(Ports.listening(port), "port released after stop");

        t0 = System.nanoTime();
        InfraProcess again = InfraProcess.startKafka(dir, port, controllerPort).waitReady(Duration.ofSeconds(90));
        System.out.printf("kafka restart on existing storage: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        try {
            assertTrue(Files.readString(again.logFile()).contains("reusing storage"));
            assertEquals(List.of(), TopicSetup.ensureTartanTopics(bootstrap, Duration.ofSeconds(60)),
                    "topics survive a restart");
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName()))) {
                List<TopicPartition> parts = c.partitionsFor("tartan.items.events").stream()
                        .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
                c.assign(parts);
                c.seekToBeginning(parts);
                int found = 0;
                long deadline = System.currentTimeMillis() + 20_000;
                while (found == 0 && System.currentTimeMillis() < deadline) {
                    ConsumerRecords<String, String> rs = c.poll(Duration.ofMillis(500));
                    found += rs.count();
                }
                assertEquals(1, found, "the record written before the restart is still there");
            }
        } finally {
            again.stop();
        }
    }

    @Test
    void postgresCreatesDatabasesAndKeepsDataAcrossRestart() throws Exception {
        Path dir = tmp.resolve("postgres");
        int port = Ports.free();
        long t0 = System.nanoTime();
        InfraProcess pg = InfraProcess.startPostgres(dir, port, List.of("tartan_one", "tartan_two"))
                .waitReady(Duration.ofSeconds(90));
        System.out.printf("postgres fresh start (initdb): %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/tartan_two",
                "postgres", "ignored"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (v text)");
            st.execute("INSERT INTO t VALUES ('kept')");
        } finally {
            pg.stop();
        }
        assertTrue(Postmaster.of(dir.resolve("data")).isEmpty(), "no postmaster left after stop");

        t0 = System.nanoTime();
        InfraProcess again = InfraProcess.startPostgres(dir, port, List.of("tartan_one", "tartan_three"))
                .waitReady(Duration.ofSeconds(90));
        System.out.printf("postgres restart on existing data: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/tartan_two",
                "postgres", ""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT v FROM t")) {
            assertTrue(rs.next());
            assertEquals("kept", rs.getString(1));
            try (Connection c3 = DriverManager.getConnection(
                    "jdbc:postgresql://127.0.0.1:" + port + "/tartan_three", "postgres", "")) {
                assertTrue(c3.isValid(5), "a database added on restart is created");
            }
        } finally {
            again.stop();
        }
    }

    @Test
    void postgresLeftBehindByAKilledLauncherIsStoppedOnNextStart() throws Exception {
        Path dir = tmp.resolve("pg-killed");
        int port = Ports.free();
        InfraProcess pg = InfraProcess.startPostgres(dir, port, List.of()).waitReady(Duration.ofSeconds(90));
        long postmaster = Postmaster.of(dir.resolve("data")).orElseThrow().pid();
        pg.process().destroyForcibly().waitFor();
        assertTrue(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false),
                "pg_ctl detached the server, so it outlives a SIGKILLed launcher");

        InfraProcess again = InfraProcess.startPostgres(dir, port, List.of()).waitReady(Duration.ofSeconds(90));
        try {
            assertFalse(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false));
            assertTrue(Files.readString(again.logFile()).contains("stopping stale postmaster"));
        } finally {
            again.stop();
        }
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }
}
