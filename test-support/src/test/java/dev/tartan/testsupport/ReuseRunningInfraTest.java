package dev.tartan.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.tartan.infra.InfraProcess;
import dev.tartan.infra.Ports;
import dev.tartan.infra.TopicSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a broker and a database already running (CI, ./tartan up), tests use them and start nothing. */
class ReuseRunningInfraTest {

    @TempDir
    Path tmp;

    @Test
    void runningBrokerAndDatabaseAreReusedWithoutASecondProcess() throws Exception {
        InfraProcess kafka = InfraProcess.startKafka(tmp.resolve("kafka"), Ports.free(), Ports.free());
        InfraProcess pg = InfraProcess.startPostgres(tmp.resolve("pg"), Ports.free(), List.of());
        try {
            kafka.waitReady(Duration.ofSeconds(90));
            pg.waitReady(Duration.ofSeconds(90));
            String bootstrap = "127.0.0.1:" + kafka.port();
            String pgUrl = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres";
            Set<Long> childrenBefore = children();

            TartanInfra reused = TartanInfra.start(new TartanInfra.Settings(bootstrap, pgUrl, "postgres", ""), false);

            assertEquals(childrenBefore, children(), "no broker or database process was started");
            assertFalse(reused.startedKafka());
            assertFalse(reused.startedPostgres());
            assertEquals(bootstrap, reused.kafkaBootstrapServers());
            assertEquals(List.of(), TopicSetup.ensureTartanTopics(bootstrap, Duration.ofSeconds(30)),
                    "topics were created on the running broker");
            String db = reused.serviceDatabase("reuse-check");
            try (Connection c = reused.connect(db)) {
                assertTrue(c.isValid(5));
            }
            reused.shutdown();
            // databases created on an external server are dropped; the server itself keeps running
            assertTrue(pg.isAlive());
            assertTrue(kafka.isAlive());
            try (Connection c = reused.connect("postgres");
                    var rs = c.createStatement().executeQuery(
                            "SELECT count(*) FROM pg_database WHERE datname = '" + db + "'")) {
                rs.next();
                assertEquals(0, rs.getInt(1));
            }
        } finally {
            kafka.stop();
            pg.stop();
        }
    }

    @Test
    void settingsComeFromSystemPropertiesOrEnvironment() {
        String name = "tartan.test.reuse-check-" + System.nanoTime();
        System.setProperty(name, " 127.0.0.1:1 ");
        try {
            assertEquals("127.0.0.1:1", Registry.setting(name));
        } finally {
            System.clearProperty(name);
        }
        // TARTAN_TEST_... environment variables map to tartan.test.... names
        String path = System.getenv("PATH");
        assertEquals(path, Registry.setting("path"));
    }

    private static Set<Long> children() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).map(ProcessHandle::pid)
                .collect(Collectors.toSet());
    }
}
