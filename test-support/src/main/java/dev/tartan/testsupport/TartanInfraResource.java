package dev.tartan.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Real Kafka and PostgreSQL for a {@code @QuarkusTest}: the broker and database of this test JVM
 * ({@link TartanInfra#get()}: started once, shared by every test class, stopped at JVM exit, or reused from
 * {@code TARTAN_TEST_KAFKA_BOOTSTRAP} / {@code TARTAN_TEST_PG_URL}), all Tartan topics and dead-letter topics
 * created, and a fresh database for the service (one per test JVM, kept across application restarts).
 *
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = "service", value = "item"))
 * class ItemFlowTest { ... }
 * }</pre>
 *
 * Init args: {@code service} (database name prefix, default {@code tartan}). The configuration it returns points
 * {@code kafka.bootstrap.servers} and both datasources there, turns Dev Services off and includes
 * {@link TestJwt#configOverrides()}.
 */
public class TartanInfraResource implements QuarkusTestResourceLifecycleManager {

    public static final String SERVICE_ARG = "service";

    private String service = "tartan";

    @Override
    public void init(Map<String, String> initArgs) {
        String s = initArgs.get(SERVICE_ARG);
        if (s != null && !s.isBlank()) {
            service = s.trim();
        }
    }

    @Override
    public Map<String, String> start() {
        return configFor(service);
    }

    @Override
    public void stop() {
        // the broker and database live as long as the test JVM: the next test class reuses them
    }

    /** The configuration overrides for {@code service}; the database is created on first call. */
    public static Map<String, String> configFor(String service) {
        TartanInfra infra = TartanInfra.get();
        String db = infra.serviceDatabase(service);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", infra.kafkaBootstrapServers());
        config.put("quarkus.datasource.reactive.url", infra.reactiveUrl(db));
        config.put("quarkus.datasource.jdbc.url", infra.jdbcUrl(db));
        config.put("quarkus.datasource.username", infra.postgresUser());
        config.put("quarkus.datasource.password", infra.postgresPassword());
        config.put("quarkus.devservices.enabled", "false");
        config.put("quarkus.kafka.devservices.enabled", "false");
        config.put("quarkus.datasource.devservices.enabled", "false");
        config.putAll(TestJwt.configOverrides());
        return config;
    }

    /** The name of {@code service}'s database in this test JVM. */
    public static String databaseName(String service) {
        return TartanInfra.get().serviceDatabase(service);
    }

    /** {@code jdbc:postgresql://...} of {@code service}'s database, for tests that check rows directly. */
    public static String jdbcUrl(String service) {
        TartanInfra infra = TartanInfra.get();
        return infra.jdbcUrl(infra.serviceDatabase(service));
    }

    public static String kafkaBootstrapServers() {
        return TartanInfra.get().kafkaBootstrapServers();
    }
}
