package dev.tartan.testsupport;

import java.util.Map;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The Docker path, never required: Kafka ({@code apache/kafka}) and PostgreSQL ({@code postgres:14-alpine}) as
 * Testcontainers, chosen with {@code -Dtartan.test.infra=containers} (or {@code TARTAN_TEST_INFRA=containers}) on a
 * machine with a Docker engine and the optional {@code org.testcontainers:testcontainers-kafka} /
 * {@code testcontainers-postgresql} test dependencies. Where either is missing, the tests go on with child processes
 * and say so. Images: {@code -Dtartan.test.kafka-image}, {@code -Dtartan.test.postgres-image}.
 */
final class ContainerInfra {

    static final String MODE = "tartan.test.infra";

    private ContainerInfra() {
    }

    /** True when containers were asked for. */
    static boolean requested() {
        return "containers".equalsIgnoreCase(Registry.setting(MODE));
    }

    /**
     * Starts the containers {@code settings} does not already point elsewhere; returns the completed settings, or
     * {@code settings} unchanged (child processes will be used) when Testcontainers or Docker is unavailable.
     */
    static TartanInfra.Settings startOrFallBack(TartanInfra.Settings settings) {
        try {
            Class.forName("org.testcontainers.DockerClientFactory", false, ContainerInfra.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            System.out.println("tartan test infra: " + MODE + "=containers, but Testcontainers is not on the test"
                    + " classpath; using child processes");
            return settings;
        }
        return Docker.start(settings);
    }

    /** Touches Testcontainers classes: loaded only after the check above. */
    private static final class Docker {

        static TartanInfra.Settings start(TartanInfra.Settings settings) {
            boolean available;
            try {
                available = DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                available = false;
            }
            if (!available) {
                System.out.println("tartan test infra: " + MODE + "=containers, but no Docker engine answers;"
                        + " using child processes");
                return settings;
            }
            String kafkaBootstrap = settings.kafkaBootstrap();
            if (kafkaBootstrap == null) {
                KafkaContainer kafka = new KafkaContainer(System.getProperty("tartan.test.kafka-image",
                        "apache/kafka:4.1.2"))
                        .withEnv(Map.of(
                                "KAFKA_AUTO_CREATE_TOPICS_ENABLE", "false",
                                "KAFKA_NUM_PARTITIONS", "3",
                                "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0"));
                kafka.start();
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::stop, "tartan-test-kafka-container-stop"));
                kafkaBootstrap = kafka.getBootstrapServers().replaceFirst("^PLAINTEXT://", "");
            }
            String pgUrl = settings.pgUrl();
            String user = settings.pgUser();
            String password = settings.pgPassword();
            if (pgUrl == null) {
                PostgreSQLContainer pg = new PostgreSQLContainer(System.getProperty("tartan.test.postgres-image",
                        "postgres:14-alpine"))
                        .withDatabaseName("postgres").withUsername("postgres").withPassword("postgres")
                        .withCommand("postgres", "-c", "max_connections=300", "-c", "fsync=off");
                pg.start();
                Runtime.getRuntime().addShutdownHook(new Thread(pg::stop, "tartan-test-postgres-container-stop"));
                pgUrl = pg.getJdbcUrl();
                user = pg.getUsername();
                password = pg.getPassword();
            }
            System.out.println("tartan test infra: containers: kafka " + kafkaBootstrap + ", postgres " + pgUrl);
            return new TartanInfra.Settings(kafkaBootstrap, pgUrl, user, password);
        }
    }
}
