package dev.tartan.system.harness;

/**
 * Where one Tartan system listens. The end-to-end tests use {@link #E2E} (ports 28xxx/29xxx/25432) so they never clash
 * with a developer's {@code ./tartan up} stack ({@link #STACK}: 8081-8085, 8090, 19092, 15432) running on the same
 * machine; the demo talks to the stack.
 */
public record SystemPorts(int kafka, int kafkaController, int postgres, int emulator, int ingest, int link, int item,
        int identity, int beacon) {

    public static final SystemPorts E2E = new SystemPorts(29092, 29093, 25432, 28090, 28081, 28082, 28083, 28084, 28085);
    /** The end-to-end benchmark's own system (so it can run beside the tests and a stack). */
    public static final SystemPorts BENCH = new SystemPorts(39092, 39093, 35432, 38090, 38081, 38082, 38083, 38084, 38085);
    public static final SystemPorts STACK = new SystemPorts(19092, 19093, 15432, 8090, 8081, 8082, 8083, 8084, 8085);

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafka;
    }

    public int portOf(String app) {
        return switch (app) {
            case TartanSystem.EMULATOR -> emulator;
            case TartanSystem.INGEST -> ingest;
            case TartanSystem.LINK -> link;
            case TartanSystem.ITEM -> item;
            case TartanSystem.IDENTITY -> identity;
            case TartanSystem.BEACON -> beacon;
            default -> throw new IllegalArgumentException("no such application: " + app);
        };
    }

    public String url(String app) {
        return "http://127.0.0.1:" + portOf(app) + "/";
    }

    public String webhookUrl() {
        return url(TartanSystem.INGEST) + "plaid/webhooks";
    }
}
