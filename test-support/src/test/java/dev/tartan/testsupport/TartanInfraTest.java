package dev.tartan.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.tartan.contracts.Topics;
import dev.tartan.infra.TopicSetup;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

/** The shared broker and database of this test JVM, as a service's {@code @QuarkusTest} gets them. */
class TartanInfraTest {

    @Test
    void resourceStartsBrokerAndDatabaseOnceAndReturnsServiceConfig() throws Exception {
        TartanInfraResource resource = new TartanInfraResource();
        resource.init(Map.of(TartanInfraResource.SERVICE_ARG, "item-service"));
        Map<String, String> config = resource.start();

        String bootstrap = config.get("kafka.bootstrap.servers");
        assertEquals(TartanInfra.get().kafkaBootstrapServers(), bootstrap);
        assertTrue(config.get("quarkus.datasource.reactive.url").startsWith("postgresql://"));
        String jdbcUrl = config.get("quarkus.datasource.jdbc.url");
        assertTrue(jdbcUrl.matches("jdbc:postgresql://[^/]+/item_service_[0-9a-f]{8}"), jdbcUrl);
        assertEquals("false", config.get("quarkus.devservices.enabled"));
        assertEquals("false", config.get("quarkus.kafka.devservices.enabled"));
        assertEquals(TestJwt.ISSUER, config.get("mp.jwt.verify.issuer"));
        assertTrue(config.containsKey("mp.jwt.verify.publickey"));

        try (Connection c = DriverManager.getConnection(jdbcUrl, config.get("quarkus.datasource.username"),
                config.get("quarkus.datasource.password")); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE probe (id int primary key)");
            st.execute("INSERT INTO probe VALUES (1)");
            try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
                rs.next();
                assertEquals(TartanInfraResource.databaseName("item-service"), rs.getString(1));
            }
        }

        // a second start (a restarted Quarkus app, another test class) gets the same broker and the same database
        Map<String, String> again = new TartanInfraResource() {
            {
                init(Map.of(TartanInfraResource.SERVICE_ARG, "item-service"));
            }
        }.start();
        assertEquals(config, again);
        // another service in the same JVM gets its own database
        assertNotEquals(jdbcUrl, TartanInfraResource.configFor("link-service").get("quarkus.datasource.jdbc.url"));
    }

    @Test
    void everyTartanTopicAndDeadLetterTopicExists() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TartanInfra.get().kafkaBootstrapServers()))) {
            Map<String, TopicDescription> topics = admin.describeTopics(TopicSetup.tartanTopics().keySet())
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            for (Topics.TopicSpec spec : Topics.all()) {
                assertEquals(spec.partitions(), topics.get(spec.name()).partitions().size(), spec.name());
            }
            for (String consumed : Topics.consumed()) {
                assertTrue(topics.containsKey(consumed + ".dlq"), consumed + ".dlq");
            }
        }
    }

    @Test
    void freshDatabasesHaveDistinctNames() {
        TartanInfra infra = TartanInfra.get();
        String a = infra.createDatabase("Some-Service");
        String b = infra.createDatabase("Some-Service");
        assertTrue(a.startsWith("some_service_"), a);
        assertNotEquals(a, b);
    }
}
