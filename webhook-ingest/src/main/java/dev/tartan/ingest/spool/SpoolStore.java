package dev.tartan.ingest.spool;

import dev.tartan.ingest.publish.Delivery;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The spool table, by plain JDBC: only dedicated threads (spool writer, relay, operator requests on worker threads)
 * call it, never an event loop. One INSERT per batch (group commit across concurrent requests).
 */
@ApplicationScoped
public class SpoolStore {

    private final DataSource dataSource;

    public SpoolStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Reserves {@code n} seq values from the spool's own sequence, ascending. {@code nextval} never returns a value
     * twice and, with the sequence's default {@code CACHE 1}, a later call always returns larger values than an earlier
     * one, whichever connection asks: values reserved later by this instance's single spool writer are larger, so seq
     * order stays arrival order. One round trip per {@code n} deliveries and no transaction (nextval is not rolled
     * back): values of a range left unused (restart) are gaps, which nothing relies on being absent.
     */
    public long[] reserveSeqs(int n) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT nextval(pg_get_serial_sequence('webhook_spool', 'seq')) FROM generate_series(1, ?)")) {
            ps.setInt(1, n);
            long[] out = new long[n];
            int i = 0;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next() && i < n) {
                    out[i++] = rs.getLong(1);
                }
            }
            if (i != n) {
                throw new SQLException("reserved " + i + " of " + n + " spool seq values");
            }
            java.util.Arrays.sort(out);
            return out;
        }
    }

    /**
     * Inserts the batch in one statement and one commit, each row with the seq the spool writer already assigned
     * ({@link Delivery#seq()}, reserved by {@link #reserveSeqs}).
     */
    public void insert(String owner, List<Delivery> batch) throws SQLException {
        int n = batch.size();
        Long[] seqs = new Long[n];
        UUID[] ids = new UUID[n];
        String[] topics = new String[n];
        String[] keys = new String[n];
        String[] types = new String[n];
        String[] envelopes = new String[n];
        Timestamp[] received = new Timestamp[n];
        String[] traceparents = new String[n];
        for (int i = 0; i < n; i++) {
            Delivery d = batch.get(i);
            seqs[i] = d.seq();
            ids[i] = UUID.fromString(d.deliveryId());
            topics[i] = d.topic();
            keys[i] = d.key();
            types[i] = d.eventType();
            envelopes[i] = d.envelopeJson();
            received[i] = Timestamp.from(d.receivedAt());
            traceparents[i] = d.traceparent();
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO webhook_spool (seq, owner, delivery_id, topic, record_key, event_type, envelope, received_at, traceparent) "
                             + "SELECT u.seq, ?, u.delivery_id, u.topic, u.record_key, u.event_type, u.envelope, u.received_at, u.traceparent "
                             + "FROM unnest(?::bigint[], ?::uuid[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[]) "
                             + "AS u(seq, delivery_id, topic, record_key, event_type, envelope, received_at, traceparent)")) {
            c.setAutoCommit(true);
            ps.setString(1, owner);
            ps.setArray(2, c.createArrayOf("bigint", seqs));
            ps.setArray(3, c.createArrayOf("uuid", ids));
            ps.setArray(4, c.createArrayOf("text", topics));
            ps.setArray(5, c.createArrayOf("text", keys));
            ps.setArray(6, c.createArrayOf("text", types));
            ps.setArray(7, c.createArrayOf("text", envelopes));
            ps.setArray(8, c.createArrayOf("timestamptz", received));
            ps.setArray(9, c.createArrayOf("text", traceparents));
            ps.executeUpdate();
        }
    }

    /** Rows of this owner after {@code afterSeq}, in seq order (the relay's recovery read). */
    public List<Delivery> readAfter(String owner, long afterSeq, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT seq, delivery_id, topic, record_key, event_type, envelope, received_at, traceparent FROM webhook_spool "
                             + "WHERE owner = ? AND seq > ? ORDER BY seq LIMIT ?")) {
            ps.setString(1, owner);
            ps.setLong(2, afterSeq);
            ps.setInt(3, limit);
            List<Delivery> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(Delivery.fromSpool(rs.getLong(1), rs.getObject(2, UUID.class).toString(), rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant(),
                            rs.getString(8))); // null for rows spooled before V2 or untraced
                }
            }
            return out;
        }
    }

    /**
     * Deletes this owner's rows with {@code afterSeq < seq <= upToSeq} (already on Kafka). The lower bound is what
     * keeps the relay's frequent DELETE cheap: deleted rows stay in the {@code (owner, seq)} index as dead entries
     * until autovacuum runs (by default at most once a minute), and an unbounded {@code seq <= ?} walks all of them
     * every time — at 1,400 webhooks/s that DELETE, every 200 ms, became a third of a core of PostgreSQL
     * (docs/performance.md, "Where the tail came from"). {@code afterSeq} -1: no lower bound.
     */
    public int deleteRange(String owner, long afterSeq, long upToSeq) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM webhook_spool WHERE owner = ? AND seq > ? AND seq <= ?")) {
            ps.setString(1, owner);
            ps.setLong(2, afterSeq);
            ps.setLong(3, upToSeq);
            return ps.executeUpdate();
        }
    }

    /**
     * This owner's rows above the marker: accepted deliveries not on Kafka yet (the backlog). An index range scan
     * over the live rows only; counting the whole table instead read every dead row left by the DELETEs since the
     * last vacuum.
     */
    public long backlog(String owner, long marker) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM webhook_spool WHERE owner = ? AND seq > ?")) {
            ps.setString(1, owner);
            ps.setLong(2, marker);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Depth and age of the oldest row, all owners. */
    public record Stats(long depth, Instant oldest) {
    }

    public Stats stats() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*), min(received_at) FROM webhook_spool");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            Timestamp oldest = rs.getTimestamp(2);
            return new Stats(rs.getLong(1), oldest == null ? null : oldest.toInstant());
        }
    }

    /** The oldest spooled rows, without their bodies (operator view). */
    public List<Map<String, Object>> head(int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT seq, owner, delivery_id, topic, record_key, event_type, received_at FROM webhook_spool ORDER BY seq LIMIT ?")) {
            ps.setInt(1, limit);
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("seq", rs.getLong(1));
                    row.put("owner", rs.getString(2));
                    row.put("delivery_id", rs.getObject(3, UUID.class).toString());
                    row.put("topic", rs.getString(4));
                    row.put("key", rs.getString(5));
                    row.put("type", rs.getString(6));
                    row.put("received_at", rs.getTimestamp(7).toInstant().toString());
                    out.add(row);
                }
            }
            return out;
        }
    }

    /** Cheap liveness probe of the database. */
    public void ping() throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT 1")) {
            ps.execute();
        }
    }
}
