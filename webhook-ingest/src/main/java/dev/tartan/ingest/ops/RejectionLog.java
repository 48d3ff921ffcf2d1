package dev.tartan.ingest.ops;

import dev.tartan.ingest.verification.RejectionReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Counts every rejection by reason ({@code tartan_webhooks_rejected_total{reason}}) and records it for operators:
 * the newest ones in memory, all of them (in batches, best effort) in {@code webhook_rejection}. Never the body:
 * only its length and SHA-256, the source address and the kid.
 */
@ApplicationScoped
public class RejectionLog {

    private static final Logger LOG = Logger.getLogger(RejectionLog.class);
    private static final int RECENT = 200;

    /** One refused delivery. */
    public record Rejection(Instant at, RejectionReason reason, String detail, String source, String kid, String bodySha256,
                            int bodyBytes) {
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", at.toString());
            m.put("reason", reason.code());
            m.put("status", reason.status());
            m.put("detail", detail);
            m.put("source", source);
            m.put("kid", kid);
            m.put("body_sha256", bodySha256);
            m.put("body_bytes", bodyBytes);
            return m;
        }
    }

    private final DataSource dataSource;
    private final Map<RejectionReason, Counter> counters = new EnumMap<>(RejectionReason.class);
    private final ArrayDeque<Rejection> recent = new ArrayDeque<>();
    private final BlockingQueue<Rejection> toStore = new ArrayBlockingQueue<>(10_000);
    private final Counter dropped;
    private volatile boolean running;
    private Thread thread;

    private final java.time.Duration retention;
    private long lastPrune;

    public RejectionLog(DataSource dataSource, MeterRegistry registry, dev.tartan.ingest.IngestConfig config) {
        this.dataSource = dataSource;
        this.retention = config.rejectionRetention();
        for (RejectionReason r : RejectionReason.values()) {
            counters.put(r, Counter.builder("tartan_webhooks_rejected_total").tag("reason", r.code())
                    .description("webhook deliveries refused, by reason").register(registry));
        }
        dropped = registry.counter("tartan_ingest_rejection_audit_dropped_total");
    }

    void start(@Observes StartupEvent e) {
        running = true;
        thread = new Thread(this::loop, "ingest-rejection-audit");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent e) {
        running = false;
    }

    public void record(Rejection r) {
        counters.get(r.reason()).increment();
        synchronized (recent) {
            if (recent.size() == RECENT) {
                recent.removeFirst();
            }
            recent.addLast(r);
        }
        if (!toStore.offer(r)) {
            dropped.increment(); // a flood: the counters stay exact, the audit keeps a sample
        }
    }

    /** Newest first: from the database when it answers, else the in-memory ones. */
    public List<Map<String, Object>> latest(int limit) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT rejected_at, reason, http_status, detail, source_address, kid, "
                     + "body_sha256, body_bytes FROM webhook_rejection ORDER BY id DESC LIMIT ?")) {
            ps.setInt(1, limit);
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("at", rs.getTimestamp(1).toInstant().toString());
                    m.put("reason", rs.getString(2));
                    m.put("status", rs.getInt(3));
                    m.put("detail", rs.getString(4));
                    m.put("source", rs.getString(5));
                    m.put("kid", rs.getString(6));
                    m.put("body_sha256", rs.getString(7));
                    m.put("body_bytes", rs.getInt(8));
                    out.add(m);
                }
            }
            return out;
        } catch (SQLException e) {
            List<Map<String, Object>> out = new ArrayList<>();
            synchronized (recent) {
                recent.descendingIterator().forEachRemaining(r -> {
                    if (out.size() < limit) {
                        out.add(r.toMap());
                    }
                });
            }
            return out;
        }
    }

    public Map<String, Double> counts() {
        Map<String, Double> m = new LinkedHashMap<>();
        counters.forEach((r, c) -> m.put(r.code(), c.count()));
        return m;
    }

    private void loop() {
        List<Rejection> batch = new ArrayList<>();
        while (running || !toStore.isEmpty()) {
            try {
                prune();
                Rejection first = toStore.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                toStore.drainTo(batch, 499);
                store(batch);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            } catch (SQLException ex) {
                LOG.debugf("rejection audit write failed (%d dropped): %s", batch.size(), ex.getMessage());
                dropped.increment(batch.size());
            } finally {
                batch.clear();
            }
        }
    }

    /** Hourly: drops audit rows older than the retention, so a flood of forgeries cannot grow the table forever. */
    private void prune() {
        long now = System.currentTimeMillis();
        if (now - lastPrune < 3_600_000L) {
            return;
        }
        lastPrune = now;
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_rejection WHERE rejected_at < ?")) {
            ps.setTimestamp(1, Timestamp.from(Instant.now().minus(retention)));
            int n = ps.executeUpdate();
            if (n > 0) {
                LOG.infof("pruned %d rejection audit rows older than %s", n, retention);
            }
        } catch (SQLException e) {
            LOG.debugf("rejection audit prune failed: %s", e.getMessage());
        }
    }

    private void store(List<Rejection> batch) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO webhook_rejection (rejected_at, reason, http_status, detail, "
                     + "source_address, kid, body_sha256, body_bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (Rejection r : batch) {
                ps.setTimestamp(1, Timestamp.from(r.at()));
                ps.setString(2, r.reason().code());
                ps.setInt(3, r.reason().status());
                ps.setString(4, truncate(r.detail(), 500));
                ps.setString(5, truncate(r.source(), 100));
                ps.setString(6, truncate(r.kid(), 200));
                ps.setString(7, r.bodySha256());
                ps.setInt(8, r.bodyBytes());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
