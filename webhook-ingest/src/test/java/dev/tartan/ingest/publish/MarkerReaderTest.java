package dev.tartan.ingest.publish;

import dev.tartan.testsupport.TartanInfra;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The marker read back against the real broker: the last committed marker of the instance asked for, found behind
 * thousands of other instances' markers, never one of an aborted transaction.
 */
class MarkerReaderTest {

    static String bootstrap;
    static Admin admin;
    static final String TOPIC = "marker-test-" + UUID.randomUUID();

    @BeforeAll
    static void broker() throws Exception {
        bootstrap = TartanInfra.get().kafkaBootstrapServers();
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        admin = Admin.create(p);
        reader("a").ensureTopic();
        reader("a").ensureTopic(); // an existing topic is fine
    }

    @AfterAll
    static void close() {
        admin.close();
    }

    static MarkerReader reader(String instance) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new MarkerReader(admin, p, TOPIC, instance, Duration.ofSeconds(10));
    }

    static KafkaProducer<String, String> producer(String transactionalId) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        return producer;
    }

    static void commit(KafkaProducer<String, String> producer, String instance, long seq, String tx) {
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(TOPIC, 0, instance, Marker.value(seq, tx)));
        producer.commitTransaction();
    }

    @Test
    void theLastCommittedMarkerIsFoundBehindOtherInstancesAndAnAbortedOneIsIgnored() throws Exception {
        try (KafkaProducer<String, String> a = producer("marker-test-a-" + UUID.randomUUID());
             KafkaProducer<String, String> b = producer("marker-test-b-" + UUID.randomUUID())) {
            commit(a, "a", 10, "inc-a:1");
            commit(a, "a", 25, "inc-a:2");
            a.beginTransaction();
            a.send(new ProducerRecord<>(TOPIC, 0, "a", Marker.value(99, "inc-a:3")));
            a.flush();
            a.abortTransaction();
            // 2,500 markers of another instance after a's: more than the first window of 1,000 records
            for (int t = 0; t < 25; t++) {
                b.beginTransaction();
                for (int i = 1; i <= 100; i++) {
                    long seq = t * 100L + i;
                    b.send(new ProducerRecord<>(TOPIC, 0, "b", Marker.value(seq, "inc-b:" + seq)));
                }
                b.commitTransaction();
            }
        }
        assertEquals(new Marker(25, "inc-a:2"), reader("a").read());
        assertEquals(new Marker(2500, "inc-b:2500"), reader("b").read());
        assertNull(reader("c").read(), "an instance that never published has no marker");
    }

    @Test
    void theTopicIsCreatedCompactedWithOnePartition() throws Exception {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
        assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT,
                admin.describeConfigs(List.of(r)).all().get().get(r).get(TopicConfig.CLEANUP_POLICY_CONFIG).value());
        assertEquals(1, admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().size());
    }

    @Test
    void markerValuesRoundTripAndAnythingElseIsNoMarker() {
        assertEquals(new Marker(42, "u:7"), Marker.parse(Marker.value(42, "u:7")));
        assertNull(Marker.parse(null));
        assertNull(Marker.parse("42"));
        assertNull(Marker.parse("x tx=u:1"));
        assertNull(Marker.parse("-1 tx=u:1"));
        assertNull(Marker.parse(" tx=u:1"));
    }
}
