package dev.tartan.testsupport;

/**
 * JVM-wide state of test-support, kept in system properties. Quarkus may load test-support's classes in more than one
 * class loader within one test JVM (JUnit's and the application's); static fields would then exist twice and start a
 * second broker. System properties and interned strings are shared by all class loaders, so whoever comes second finds
 * what the first one started and reuses it.
 */
final class Registry {

    /** An interned literal: the same monitor in every class loader. */
    static final Object LOCK = "dev.tartan.testsupport.Registry.LOCK".intern();

    static final String KAFKA_BOOTSTRAP = "tartan.test.kafka.bootstrap";
    static final String PG_URL = "tartan.test.pg.url";
    static final String PG_USER = "tartan.test.pg.user";
    static final String PG_PASSWORD = "tartan.test.pg.password";
    static final String INFRA_PUBLISHED = "tartan.test.infra.published";
    static final String EMULATOR_URL = "tartan.test.emulator.url";
    static final String STATE_DIR = "tartan.test.state-dir";
    static final String JWT_PRIVATE_KEY = "tartan.test.jwt.private-key";
    static final String TOKEN_KEY = "tartan.test.token-encryption-key";
    static final String DATABASE_PREFIX = "tartan.test.database.";

    private Registry() {
    }

    /** A system property, else the environment variable named like it ({@code tartan.test.pg.url} → TARTAN_TEST_PG_URL). */
    static String setting(String property) {
        String v = System.getProperty(property);
        if (v != null && !v.isBlank()) {
            return v.trim();
        }
        v = System.getenv(property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'));
        return v == null || v.isBlank() ? null : v.trim();
    }
}
