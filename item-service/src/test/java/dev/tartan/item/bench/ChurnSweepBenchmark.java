package dev.tartan.item.bench;

import dev.tartan.item.churn.ChurnRule;
import dev.tartan.item.churn.ChurnSweep;
import dev.tartan.item.it.OfflinePlaidProfile;
import dev.tartan.testsupport.TartanInfra;
import dev.tartan.testsupport.TartanInfraResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Benchmark, not a timed test (runs only with {@code -Dtartan.bench.churn=true}): fills the registry with
 * {@code tartan.bench.items} synthetic Items (default 10,000,000), of which 0.1% per rule qualify, then times full
 * churn sweeps on the real PostgreSQL. Command and figures: docs/performance.md, section item-service.
 */
@QuarkusTest
@TestProfile(OfflinePlaidProfile.class)
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = TartanInfraResource.SERVICE_ARG, value = "item"))
@EnabledIfSystemProperty(named = "tartan.bench.churn", matches = "true")
class ChurnSweepBenchmark {

    @Inject
    ChurnSweep sweep;

    @Test
    void sweepOverTenMillionItems() throws Throwable {
        long n = Long.getLong("tartan.bench.items", 10_000_000L);
        Instant now = Instant.now();
        long t0 = System.nanoTime();
        try (Connection c = TartanInfra.get().connect(TartanInfraResource.databaseName("item")); Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = off");
            long chunk = 1_000_000;
            for (long from = 1; from <= n; from += chunk) {
                long to = Math.min(n, from + chunk - 1);
                // i % 1000: 0 -> inactive 61-90 days, 1 -> error for 31+ days, 2 -> 10+ reminders; the rest healthy and active
                s.execute("INSERT INTO item (item_id, client_user_id, billed_products, token_key_id, token_ciphertext, linked_at, "
                        + "status, status_changed_at, error_code, error_type, error_since, last_activity_at, relink_id, relink_mode, "
                        + "relink_reason, relink_requested_at, relink_reminders, relink_next_reminder_at, reconcile_due_at) "
                        + "SELECT 'bench-' || i, 'bench-user-' || (i / 2), '[\"transactions\"]', 'k', 'c', now() - interval '200 days', "
                        + "CASE WHEN i % 1000 IN (1, 2) THEN 'LOGIN_REQUIRED' ELSE 'HEALTHY' END, now(), "
                        + "CASE WHEN i % 1000 IN (1, 2) THEN 'ITEM_LOGIN_REQUIRED' END, CASE WHEN i % 1000 IN (1, 2) THEN 'ITEM_ERROR' END, "
                        + "CASE WHEN i % 1000 = 1 THEN now() - interval '31 days' - (i % 17) * interval '1 day' "
                        + "     WHEN i % 1000 = 2 THEN now() - interval '20 days' END, "
                        + "CASE WHEN i % 1000 = 0 THEN now() - interval '61 days' - (i % 29) * interval '1 day' "
                        + "     ELSE now() - (i % 50) * interval '1 day' END, "
                        + "CASE WHEN i % 1000 = 2 THEN 'r-' || i END, CASE WHEN i % 1000 = 2 THEN 'LOGIN' END, "
                        + "CASE WHEN i % 1000 = 2 THEN 'ITEM_LOGIN_REQUIRED' END, CASE WHEN i % 1000 = 2 THEN now() END, "
                        + "CASE WHEN i % 1000 = 2 THEN 10 + i % 3 ELSE 0 END, CASE WHEN i % 1000 = 2 THEN now() + interval '30 days' END, "
                        + "now() + (i % 7) * interval '1 day' "
                        + "FROM generate_series(" + from + ", " + to + ") AS i");
                System.out.printf("BENCH inserted %,d Items (%.0f s)%n", to, (System.nanoTime() - t0) / 1e9);
            }
            s.execute("ANALYZE item");
        }
        System.out.printf("BENCH registry of %,d Items ready in %.0f s%n", n, (System.nanoTime() - t0) / 1e9);

        for (int run = 1; run <= 2; run++) {
            long start = System.nanoTime();
            Map<ChurnRule, Integer> selected = VertxContextSupport.subscribeAndAwait(() -> sweep.sweep(Instant.now()));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("BENCH churn sweep %d over %,d Items: selected %s in %.2f s%n", run, n, selected, seconds);
        }
        System.out.printf("BENCH total %s%n", Duration.ofNanos(System.nanoTime() - t0));
    }
}
