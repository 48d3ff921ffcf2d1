package dev.tartan.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

import dev.tartan.infra.InfraProcess;
import dev.tartan.infra.Ports;
import dev.tartan.infra.TopicSetup;

/**
 * The Kafka broker and PostgreSQL server of this test JVM: started once (as child processes, in parallel, state in a
 * temporary folder) and stopped when the JVM exits, or taken from outside when configured:
 * <ul>
 * <li>{@code TARTAN_TEST_KAFKA_BOOTSTRAP} (or {@code -Dtartan.test.kafka.bootstrap}): a running broker, e.g.
 * {@code 127.0.0.1:19092};</li>
 * <li>{@code TARTAN_TEST_PG_URL} (or {@code -Dtartan.test.pg.url}): a JDBC URL of a database the user may run
 * {@code CREATE DATABASE} from, e.g. {@code jdbc:postgresql://127.0.0.1:15432/postgres}, with
 * {@code TARTAN_TEST_PG_USER} (default {@code postgres}) and {@code TARTAN_TEST_PG_PASSWORD} (default empty).</li>
 * </ul>
 * Either one may be external and the other started here. On a machine with Docker, {@code -Dtartan.test.infra=containers}
 * uses Testcontainers instead of child processes ({@link ContainerInfra}; optional, falls back where unavailable).
 * Tartan's topics and dead-letter topics are created in both
 * cases. Databases created on an external server are dropped when the JVM exits.
 */
public final class TartanInfra {

    /** How long a broker or database may take to start. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(120);
    private static volatile TartanInfra shared;

    private final String kafkaBootstrap;
    private final String pgHost;
    private final int pgPort;
    private final String pgAdminDatabase;
    private final String pgUser;
    private final String pgPassword;
    private final InfraProcess kafka;
    private final InfraProcess postgres;
    private final Path stateDir;
    private final List<String> createdDatabases = new CopyOnWriteArrayList<>();

    private TartanInfra(String kafkaBootstrap, String pgUrl, String pgUser, String pgPassword, InfraProcess kafka,
            InfraProcess postgres, Path stateDir) {
        this.kafkaBootstrap = kafkaBootstrap;
        URI uri = URI.create(pgUrl.startsWith("jdbc:") ? pgUrl.substring(5) : pgUrl);
        this.pgHost = uri.getHost();
        this.pgPort = uri.getPort() > 0 ? uri.getPort() : 5432;
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        this.pgAdminDatabase = path.isEmpty() ? "postgres" : path;
        this.pgUser = pgUser;
        this.pgPassword = pgPassword;
        this.kafka = kafka;
        this.postgres = postgres;
        this.stateDir = stateDir;
    }

    /** The broker and database of this JVM, started or found on first use. */
    public static TartanInfra get() {
        TartanInfra s = shared;
        if (s != null) {
            return s;
        }
        synchronized (Registry.LOCK) {
            if (shared == null) {
                // another class loader of this JVM may have started them already: then reuse, and let it stop them
                boolean sibling = System.getProperty(Registry.INFRA_PUBLISHED) != null;
                Settings settings = Settings.fromEnvironment();
                if (!sibling && (settings.kafkaBootstrap() == null || settings.pgUrl() == null)
                        && ContainerInfra.requested()) {
                    settings = ContainerInfra.startOrFallBack(settings);
                }
                shared = start(settings, !sibling);
            }
            return shared;
        }
    }

    /** What to reuse; {@code null} means "start one". */
    record Settings(String kafkaBootstrap, String pgUrl, String pgUser, String pgPassword) {
        static Settings fromEnvironment() {
            return new Settings(Registry.setting(Registry.KAFKA_BOOTSTRAP), Registry.setting(Registry.PG_URL),
                    Registry.setting(Registry.PG_USER), Registry.setting(Registry.PG_PASSWORD));
        }
    }

    /**
     * Starts what {@code settings} does not provide. With {@code publish}, the result is recorded in system properties
     * (so other class loaders of this JVM reuse it) and stopped by a shutdown hook.
     */
    static TartanInfra start(Settings settings, boolean publish) {
        long t0 = System.nanoTime();
        Path stateDir = null;
        InfraProcess kafka = null;
        InfraProcess postgres = null;
        try {
            if (settings.kafkaBootstrap() == null || settings.pgUrl() == null) {
                stateDir = stateDir();
            }
            if (settings.kafkaBootstrap() == null) {
                kafka = InfraProcess.startKafka(stateDir.resolve("kafka"), Ports.free(), Ports.free());
            }
            if (settings.pgUrl() == null) {
                postgres = InfraProcess.startPostgres(stateDir.resolve("postgres"), Ports.free(), List.of());
            }
            // both start at once; waiting here overlaps their start-up
            if (kafka != null) {
                kafka.waitReady(START_TIMEOUT);
            }
            if (postgres != null) {
                postgres.waitReady(START_TIMEOUT);
            }
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.stop();
            }
            if (postgres != null) {
                postgres.stop();
            }
            throw e;
        }
        String bootstrap = kafka != null ? "127.0.0.1:" + kafka.port() : settings.kafkaBootstrap();
        String pgUrl = postgres != null ? "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres"
                : settings.pgUrl();
        String user = settings.pgUser() != null ? settings.pgUser() : "postgres";
        String password = settings.pgPassword() != null ? settings.pgPassword() : (postgres != null ? "postgres" : "");
        TartanInfra infra = new TartanInfra(bootstrap, pgUrl, user, password, kafka, postgres, stateDir);
        try {
            TopicSetup.ensureTartanTopics(bootstrap, Duration.ofSeconds(60));
        } catch (RuntimeException e) {
            infra.shutdown();
            throw e;
        }
        if (publish) {
            System.setProperty(Registry.KAFKA_BOOTSTRAP, bootstrap);
            System.setProperty(Registry.PG_URL, pgUrl);
            System.setProperty(Registry.PG_USER, user);
            System.setProperty(Registry.PG_PASSWORD, password);
            System.setProperty(Registry.INFRA_PUBLISHED, "true");
            Runtime.getRuntime().addShutdownHook(new Thread(infra::shutdown, "tartan-test-infra-shutdown"));
        }
        System.out.printf("tartan test infra: kafka %s (%s), postgres %s (%s), ready in %d ms%n", bootstrap,
                kafka != null ? "started, pid " + kafka.pid() : "reused", pgUrl,
                postgres != null ? "started, pid " + postgres.pid() : "reused", (System.nanoTime() - t0) / 1_000_000);
        return infra;
    }

    /** This JVM's temporary state folder (never under target/: {@code mvn clean} must not pull it away). */
    static Path stateDir() {
        synchronized (Registry.LOCK) {
            String existing = System.getProperty(Registry.STATE_DIR);
            if (existing != null) {
                return Path.of(existing);
            }
            try {
                Path dir = Files.createTempDirectory("tartan-test-");
                System.setProperty(Registry.STATE_DIR, dir.toString());
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteLater(dir), "tartan-test-state-cleanup"));
                return dir;
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a temporary folder for the test broker/database", e);
            }
        }
    }

    private static void deleteLater(Path dir) {
        // the infra shutdown hook runs concurrently: give the children time to stop before removing their files
        for (int i = 0; i < 300 && anyInfraChildAlive(); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException e) {
            // best effort: it is a temporary folder
        }
    }

    private static boolean anyInfraChildAlive() {
        return ProcessHandle.current().children().anyMatch(ProcessHandle::isAlive);
    }

    // ------------------------------------------------------------------ what tests use

    public String kafkaBootstrapServers() {
        return kafkaBootstrap;
    }

    public String postgresHost() {
        return pgHost;
    }

    public int postgresPort() {
        return pgPort;
    }

    public String postgresUser() {
        return pgUser;
    }

    public String postgresPassword() {
        return pgPassword;
    }

    /** {@code jdbc:postgresql://host:port/<database>} */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + pgHost + ":" + pgPort + "/" + database;
    }

    /** {@code postgresql://host:port/<database>}: the form {@code quarkus.datasource.reactive.url} takes. */
    public String reactiveUrl(String database) {
        return "postgresql://" + pgHost + ":" + pgPort + "/" + database;
    }

    /** True when this JVM started the broker (false: reused one from the environment). */
    public boolean startedKafka() {
        return kafka != null;
    }

    public boolean startedPostgres() {
        return postgres != null;
    }

    /** A JDBC connection to {@code database} as the configured user. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), pgUser, pgPassword);
    }

    /**
     * Creates a new, empty database named {@code <prefix>_<8 hex>} (prefix lower-cased, non-alphanumerics as
     * {@code _}) and returns its name.
     */
    public String createDatabase(String prefix) {
        String base = prefix.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (base.isEmpty() || !Character.isLetter(base.charAt(0))) {
            base = "t_" + base;
        }
        if (base.length() > 40) {
            base = base.substring(0, 40);
        }
        String name = base + "_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try (Connection c = connect(pgAdminDatabase); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE \"" + name + "\"");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create database " + name + " on " + pgHost + ":" + pgPort
                    + " as " + pgUser + ": " + e.getMessage(), e);
        }
        createdDatabases.add(name);
        return name;
    }

    /**
     * The database of {@code service} for this JVM: created on first call, the same name afterwards (also across
     * Quarkus application restarts and class loaders within the JVM).
     */
    public String serviceDatabase(String service) {
        String key = Registry.DATABASE_PREFIX + service + "@" + kafkaBootstrap + "@" + pgHost + ":" + pgPort;
        synchronized (Registry.LOCK) {
            String existing = System.getProperty(key);
            if (existing != null) {
                return existing;
            }
            String db = createDatabase(service);
            System.setProperty(key, db);
            return db;
        }
    }

    /** Stops what this JVM started; drops the databases it created on an external server. */
    void shutdown() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        if (kafka != null) {
            stops.add(CompletableFuture.runAsync(kafka::stop));
        }
        if (postgres != null) {
            stops.add(CompletableFuture.runAsync(postgres::stop));
        } else if (!createdDatabases.isEmpty()) {
            stops.add(CompletableFuture.runAsync(this::dropCreatedDatabases));
        }
        stops.forEach(f -> {
            try {
                f.join();
            } catch (RuntimeException e) {
                System.err.println("tartan test infra: stop failed: " + e);
            }
        });
    }

    private void dropCreatedDatabases() {
        try (Connection c = connect(pgAdminDatabase); Statement st = c.createStatement()) {
            for (String db : createdDatabases) {
                st.execute("DROP DATABASE IF EXISTS \"" + db + "\" WITH (FORCE)");
            }
        } catch (SQLException e) {
            System.err.println("tartan test infra: cannot drop test databases " + createdDatabases + ": " + e);
        }
    }

    Path stateDirectory() {
        return stateDir;
    }

    InfraProcess kafkaProcess() {
        return kafka;
    }

    InfraProcess postgresProcess() {
        return postgres;
    }

    /** Settings as a map, for logs. */
    @Override
    public String toString() {
        return Map.of("kafka", kafkaBootstrap, "postgres", pgHost + ":" + pgPort).toString();
    }
}
