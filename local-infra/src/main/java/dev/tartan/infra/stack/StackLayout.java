package dev.tartan.infra.stack;

import java.nio.file.Path;
import java.util.List;

/**
 * The local stack in one table: what runs, on which port, with which database. Everything else (start order,
 * configuration, status, URLs printed) follows from it.
 */
public final class StackLayout {

    public static final int KAFKA_PORT = 19092;
    public static final int KAFKA_CONTROLLER_PORT = 19093;
    public static final int POSTGRES_PORT = 15432;
    public static final String POSTGRES_USER = "postgres";
    /** The embedded server trusts local connections; this value only satisfies clients that insist on one. */
    public static final String POSTGRES_PASSWORD = "postgres";
    public static final String PLAID_CLIENT_ID = "tartan-dev-client";
    public static final String PLAID_SECRET = "tartan-dev-secret";
    public static final String TOKEN_KEY_ID = "dev-1";

    /** A Quarkus application of the stack: module, HTTP port, its database (null: none), whether it is a service. */
    public record App(String name, String module, int port, String database, boolean service) {

        public Path jar(Path root) {
            return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        }

        public String url() {
            return "http://127.0.0.1:" + port + "/";
        }
    }

    public static final App EMULATOR = new App("plaid-emulator", "plaid-emulator", 8090, null, false);

    /** The emulator first, then the five services; services are stopped first, in reverse. */
    public static final List<App> APPS = List.of(
            EMULATOR,
            new App("webhook-ingest", "webhook-ingest", 8081, "tartan_ingest", true),
            new App("link-service", "link-service", 8082, "tartan_link", true),
            new App("item-service", "item-service", 8083, "tartan_item", true),
            new App("identity-service", "identity-service", 8084, "tartan_identity", true),
            new App("beacon-service", "beacon-service", 8085, "tartan_beacon", true));

    public static final String WEBHOOK_URL = "http://127.0.0.1:8081/plaid/webhooks";

    private StackLayout() {
    }

    public static List<String> databases() {
        return APPS.stream().map(App::database).filter(d -> d != null).toList();
    }

    public static App app(String name) {
        return APPS.stream().filter(a -> a.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no such component: " + name));
    }
}
