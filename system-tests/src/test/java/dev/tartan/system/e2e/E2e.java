package dev.tartan.system.e2e;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import dev.tartan.contracts.Topics;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Journey;
import dev.tartan.system.harness.SystemPorts;
import dev.tartan.system.harness.TartanSystem;

/**
 * The system under test, started once per test JVM (the first scenario pays for it) on the {@link SystemPorts#E2E}
 * ports and stopped at JVM exit. item-service runs with the churn policy shortened so scenario 4 fits in a test run:
 * inactivity {@value #INACTIVITY_SECONDS} s, churn and removal sweeps every 2 s / 1 s, a one-day month-end window.
 * Every service exports its traces over OTLP/HTTP to an {@link OtlpReceiver} in this JVM.
 */
final class E2e {

    static final int INACTIVITY_SECONDS = 60;
    static final String BEACON_PROGRAM_ID = "becprg_e2e00000000000";
    /** Generous: on 2 shared cores a consumer poll, an outbox relay and a webhook retry can each take seconds. */
    static final Duration WAIT = Duration.ofSeconds(60);

    private static TartanSystem system;
    private static RuntimeException startFailure;
    private static EventWatch watch;
    private static Journey journey;
    private static OtlpReceiver otlp;
    static final List<String> SERVICES = List.of(TartanSystem.INGEST, TartanSystem.LINK, TartanSystem.ITEM,
            TartanSystem.IDENTITY, TartanSystem.BEACON);

    private E2e() {
    }

    static synchronized TartanSystem system() {
        if (startFailure != null) {
            throw new IllegalStateException("the system did not start (see the first failing scenario)", startFailure);
        }
        if (system == null) {
            otlp = OtlpReceiver.start();
            Runtime.getRuntime().addShutdownHook(new Thread(otlp::close));
            TartanSystem.Builder b = TartanSystem.builder()
                    // C1 only: the scenarios need a fast start, not peak throughput
                    .appJvmArgs(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                    .config(TartanSystem.ITEM, "tartan.item.churn.inactivity", INACTIVITY_SECONDS + "s")
                    .config(TartanSystem.ITEM, "tartan.item.churn.sweep-interval", "2s")
                    .config(TartanSystem.ITEM, "tartan.item.removal.sweep-interval", "1s")
                    .config(TartanSystem.ITEM, "tartan.item.removal.month-end-window-days", "1")
                    // Beacon on (it is off without a program id): S15 proves its consumers under a replica kill
                    .config(TartanSystem.BEACON, "tartan.beacon.program-id", BEACON_PROGRAM_ID)
                    .config(TartanSystem.BEACON, "tartan.beacon.pii-encryption.active-key-id", "e2e-pii-1")
                    .config(TartanSystem.BEACON, "tartan.beacon.pii-encryption.keys.e2e-pii-1", randomKey());
            // every service exports its spans to the receiver in this JVM (S7 asserts one trace across them)
            for (String app : SERVICES) {
                b.config(app, "quarkus.otel.exporter.otlp.endpoint", otlp.endpoint())
                        .config(app, "quarkus.otel.exporter.otlp.protocol", "http/protobuf")
                        .config(app, "quarkus.otel.bsp.schedule.delay", "500ms");
            }
            TartanSystem s = b.build();
            try {
                s.start();
            } catch (RuntimeException e) {
                s.close();
                startFailure = e;
                throw e;
            }
            system = s;
            watch = new EventWatch(s.kafkaBootstrap(), List.of(Topics.PLAID_WEBHOOKS_ITEM, Topics.ITEMS_EVENTS,
                    Topics.LINK_SESSIONS, Topics.COMMANDS_RELINK, Topics.COMMANDS_CHURN_REMOVAL, Topics.USERS_ACTIVITY));
            journey = new Journey(s.ports(), s::appToken,
                    c -> System.out.printf("  %s %s -> %d (%d ms)%n", c.method(), c.url(), c.status(), c.millis()));
            Runtime.getRuntime().addShutdownHook(new Thread(watch::close));
        }
        return system;
    }

    /** The OTLP receiver every service of the shared system exports its spans to. */
    static OtlpReceiver otlp() {
        system();
        return otlp;
    }

    static EventWatch watch() {
        system();
        return watch;
    }

    static Journey journey() {
        system();
        return journey;
    }

    /** A fresh 256-bit key, base64: the PII key of this run's beacon-service (never reused, never written down). */
    private static String randomKey() {
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        return java.util.Base64.getEncoder().encodeToString(key);
    }

    static String user(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
