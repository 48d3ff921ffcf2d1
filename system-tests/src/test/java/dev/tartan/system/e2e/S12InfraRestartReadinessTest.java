package dev.tartan.system.e2e;

import static dev.tartan.system.e2e.E2e.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tartan.contracts.EventTypes;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Journey;
import dev.tartan.system.harness.TartanSystem;

/**
 * PostgreSQL restarted under load, then the broker restarted under load (issue #12). While each is down, every
 * service that cannot work without it reports not ready ({@code /q/health/ready} 503), so Kubernetes stops sending
 * it traffic; webhook-ingest stays ready, because it still makes webhooks durable (its spool while the broker is
 * away, the broker while its database is away) and answers every webhook 200 at the first attempt. Afterwards every
 * service is ready again by itself, and the webhooks Plaid sent meanwhile all led to exactly one command each.
 */
@Order(12)
@Tag("e2e")
class S12InfraRestartReadinessTest {

    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final Duration RECOVERY = Duration.ofSeconds(180);
    private static final List<String> CONSUMERS = List.of(TartanSystem.LINK, TartanSystem.ITEM,
            TartanSystem.IDENTITY, TartanSystem.BEACON);

    @Test
    void postgresThenBrokerRestartedUnderLoadReadinessFollowsAndNothingIsLost() throws Exception {
        TartanSystem sys = E2e.system();
        Journey j = E2e.journey();
        EventWatch w = E2e.watch();
        ReadinessLog readiness = new ReadinessLog(sys);
        try {
            outage("postgres", sys::stopPostgres, sys::startPostgres, readiness, sys, j, w, link(j, 2));
            for (String s : CONSUMERS) {
                assertTrue(readiness.wasDown(s, "postgres"), s + " reported not ready while PostgreSQL was down: "
                        + readiness.of(s));
            }
            outage("broker", sys::stopKafka, sys::startKafka, readiness, sys, j, w, link(j, 2));
            for (String s : CONSUMERS) {
                assertTrue(readiness.wasDown(s, "broker"), s + " reported not ready while the broker was down: "
                        + readiness.of(s));
            }
            assertTrue(!readiness.wasDown(TartanSystem.INGEST, "postgres") && !readiness.wasDown(TartanSystem.INGEST, "broker"),
                    "webhook-ingest stays ready through either outage (it can still make webhooks durable): "
                            + readiness.of(TartanSystem.INGEST));
        } finally {
            readiness.close();
        }
        System.out.println("S12 readiness transitions: " + readiness.summary());
    }

    /**
     * Fresh Items for each outage: the suite's churn policy removes an Item after 60 s without activity, and a
     * removed Item rightly gets no re-link.
     */
    private static List<String> link(Journey j, int n) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String user = E2e.user("s12"); // one bank per user: a second one would be a duplicate Item
            String itemId = j.linkBank(user, Journey.DEFAULT_INSTITUTION, List.of("0000"), List.of("auth")).itemId();
            j.awaitItemStatus(user, itemId, "HEALTHY", WAIT);
            items.add(itemId);
        }
        return items;
    }

    /**
     * Breaks an ITEM login per Item (through the emulator, signed, over HTTP) while the dependency is down, brings
     * it back, then waits for every service to be ready and for one relink.requested per Item.
     */
    private static void outage(String what, Runnable stop, Runnable start, ReadinessLog readiness, TartanSystem sys,
            Journey j, EventWatch w, List<String> items) {
        readiness.phase(what);
        stop.run();
        long down = System.nanoTime();
        List<String> deliveries = new ArrayList<>();
        for (String itemId : items) {
            deliveries.add(j.fireItemWebhook(itemId, "ERROR", null).path("delivery_id").asText());
        }
        TartanSleep.quiet(OUTAGE.minus(Duration.ofNanos(System.nanoTime() - down)));
        readiness.phase(what + " back");
        start.run();
        long back = System.nanoTime();
        for (String app : TartanSystem.SERVICES) {
            readiness.awaitUp(app, RECOVERY);
        }
        System.out.printf("S12: %s down %d s; every service ready again %d ms after it was back%n", what,
                OUTAGE.toSeconds(), (System.nanoTime() - back) / 1_000_000);
        for (String id : deliveries) {
            JsonNode d = j.awaitDelivered(id, RECOVERY);
            // ingest took it at the first attempt: into the spool with the broker away, straight to Kafka with
            // its database away; Plaid saw no failure either way
            JsonNode attempts = d.path("attempts");
            assertEquals(1, attempts.size(), what + " down: delivered at the first attempt: " + d);
            assertEquals(200, attempts.get(0).path("status").asInt(), what + " down: " + d);
        }
        for (String itemId : items) {
            w.await(EventTypes.RELINK_REQUESTED, itemId, RECOVERY);
        }
        TartanSleep.quiet(Duration.ofSeconds(3));
        for (String itemId : items) {
            S5HostileAndFaultyScenarioTest.assertOneCommand(w, EventTypes.RELINK_REQUESTED, itemId);
        }
    }

    /** Polls every service's readiness four times a second and keeps, per outage phase, what each one said. */
    static final class ReadinessLog implements AutoCloseable {
        private final TartanSystem sys;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private volatile String phase = "before";
        private final Map<String, List<String>> transitions = new ConcurrentHashMap<>();
        private final Map<String, Integer> last = new ConcurrentHashMap<>();
        private final Map<String, Set<String>> downIn = new ConcurrentHashMap<>();
        private final Thread poller;

        ReadinessLog(TartanSystem sys) {
            this.sys = sys;
            poller = new Thread(this::poll, "s12-readiness");
            poller.setDaemon(true);
            poller.start();
        }

        void phase(String p) {
            phase = p;
        }

        private void poll() {
            while (running.get()) {
                for (String app : TartanSystem.SERVICES) {
                    int status = sys.health(app);
                    Integer before = last.put(app, status);
                    if (before == null || before != status) {
                        transitions.computeIfAbsent(app, a -> new CopyOnWriteArrayList<>())
                                .add(phase + ":" + status);
                    }
                    if (status != 200) {
                        downIn.computeIfAbsent(app, a -> ConcurrentHashMap.newKeySet()).add(phase);
                    }
                }
                TartanSleep.quiet(Duration.ofMillis(250));
            }
        }

        /** Not ready at some point during the outage of {@code what} (or while it was coming back). */
        boolean wasDown(String app, String what) {
            Set<String> phases = downIn.getOrDefault(app, Set.of());
            return phases.contains(what);
        }

        void awaitUp(String app, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (sys.health(app) == 200) {
                    return;
                }
                TartanSleep.quiet(Duration.ofMillis(250));
            }
            throw new AssertionError(app + " not ready again within " + timeout.toSeconds() + " s: " + of(app));
        }

        List<String> of(String app) {
            return transitions.getOrDefault(app, List.of());
        }

        Map<String, List<String>> summary() {
            Map<String, List<String>> m = new LinkedHashMap<>();
            TartanSystem.SERVICES.forEach(a -> m.put(a, of(a)));
            return m;
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            poller.join(5_000);
        }
    }
}
