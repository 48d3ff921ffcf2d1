package dev.tartan.ingest.spool;

import dev.tartan.ingest.IngestConfig;
import dev.tartan.ingest.publish.Delivery;
import dev.tartan.ingest.publish.Publisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;
import org.jboss.logging.Logger;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sequences accepted deliveries (seq order is arrival order), hands them to the publisher at once, and writes to the
 * spool those that are not on Kafka within {@code spool-after}: one INSERT (one commit) per batch, on one thread.
 *
 * <p><b>Write-behind.</b> Seqs are reserved from the spool's sequence ahead of time ({@link SpoolStore#reserveSeqs}),
 * so a delivery is sequenced and handed over before any INSERT. While the broker is healthy its transaction commits
 * within a few milliseconds, the delivery is answered 200 as published, and it never gets a row: PostgreSQL is off the
 * path (docs/services/webhook-ingest.md, "Write-behind"). The oldest delivery still unpublished after
 * {@code spool-after} (at once while the publisher is not live, or when stopping) is written together with every
 * unsettled one behind it, whether or not their transactions commit meanwhile; from there on it is the overlap of
 * docs/services/webhook-ingest.md, and what keeps that exactly-once is in {@link Publisher} (the marker only covers
 * records that are on Kafka; recovery waits until every handed-over seq is settled).
 *
 * <p>Deliveries settle strictly in seq order (on Kafka: no row; or INSERT committed; or INSERT failed), one INSERT at a
 * time, so a committed row implies every lower seq of this incarnation has settled — the property recovery relies
 * on. After each settles it reports it ({@link Publisher#spoolSettled}), after the delivery's outcome is set.
 *
 * <p>A failed INSERT fails the batch's {@code spooled} futures: a delivery whose Kafka transaction commits is still
 * answered 200 (durable on Kafka); otherwise its requester answers 503 once the publisher has certainly not sent it.
 * A failed seq reservation leaves the batch un-sequenced: the resource publishes those deliveries directly.
 */
@ApplicationScoped
public class SpoolWriter {

    private static final Logger LOG = Logger.getLogger(SpoolWriter.class);

    private final IngestConfig config;
    private final SpoolStore store;
    private final Publisher publisher;
    private final BlockingQueue<Delivery> queue;
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private volatile boolean running;
    private volatile boolean healthy = true;
    private Thread thread;
    /** Seq values reserved from the sequence and not used yet (spool writer thread only). */
    private long[] reserved = new long[0];
    private int reservedNext;
    /** Seq values reserved per round trip to the sequence. */
    static final int RESERVE = 1000;

    private final Timer writeTime;
    /**
     * Sequenced and handed to the publisher, neither on Kafka nor written yet, in seq order (spool writer thread
     * only). Settled strictly from the front, so a committed row still implies every lower seq of this incarnation
     * has settled.
     */
    private final ArrayDeque<Delivery> unsettled = new ArrayDeque<>();
    private final long spoolAfterMillis;
    /** How often the writer looks for unsettled deliveries that reached Kafka. */
    static final long SETTLE_POLL_MS = 5;

    public SpoolWriter(IngestConfig config, SpoolStore store, Publisher publisher, MeterRegistry registry) {
        this.config = config;
        this.store = store;
        this.publisher = publisher;
        this.queue = new ArrayBlockingQueue<>(config.publish().maxPending());
        this.writeTime = Timer.builder("tartan_ingest_spool_write")
                .description("one spool INSERT and commit of a batch of deliveries")
                .publishPercentiles(0.5, 0.99, 0.999).register(registry);
        this.spoolAfterMillis = config.publish().spoolAfter().toMillis();
    }

    void start(@Observes @Priority(10) StartupEvent event) {
        running = true;
        thread = new Thread(this::loop, "ingest-spool-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** After HTTP has finished its in-flight requests: write what is queued, then stop. */
    void stop(@Observes @Priority(10) ShutdownEvent event) {
        running = false;
        if (thread != null) {
            try {
                thread.join(config.publish().spoolTimeout().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Queues a delivery for the spool; {@code false} when the queue is full or the writer stopped. */
    public boolean submit(Delivery delivery) {
        return running && queue.offer(delivery);
    }

    public boolean healthy() {
        return healthy;
    }

    public String lastError() {
        return lastError.get();
    }

    public int queued() {
        return queue.size();
    }

    private void loop() {
        List<Delivery> batch = new ArrayList<>(config.publish().spoolBatchSize());
        while (running || !queue.isEmpty() || !unsettled.isEmpty()) {
            try {
                Delivery first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, config.publish().spoolBatchSize() - 1);
                    sequence(batch);
                }
                settle();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    /** How long to wait for new deliveries before looking at the oldest unsettled one again. */
    private long pollMillis() {
        Delivery head = unsettled.peekFirst();
        if (head == null) {
            return 100;
        }
        // published deliveries are noticed within a few ms; an unpublished one at its deadline
        return Math.max(1, Math.min(SETTLE_POLL_MS, spoolAfterMillis - head.ageMillis()));
    }

    /** Assigns seqs in arrival order and hands the deliveries to the publisher at once; they wait in {@link #unsettled}. */
    private void sequence(List<Delivery> batch) {
        Exception reserveFailure = null;
        for (Delivery d : batch) {
            long seq;
            try {
                if (reserveFailure != null) {
                    throw reserveFailure;
                }
                seq = nextSeq();
            } catch (Exception e) {
                if (reserveFailure == null) {
                    failed(e, "reserving spool seqs");
                    reserveFailure = e;
                }
                d.spoolFailed(e); // not sequenced, never handed over: its requester publishes it directly
                continue;
            }
            if (d.sequence(seq)) {
                publisher.offer(d); // before any INSERT: the Kafka transaction runs while the delivery waits here
                unsettled.addLast(d);
            } else {
                reservedNext--; // its requester already went direct (spool timeout): reuse the value
            }
        }
    }

    /**
     * Settles unsettled deliveries from the oldest, in seq order: one already on Kafka needs no row (skipped); once the
     * oldest unpublished one is {@code spool-after} old (or the publisher is not live, or this writer is stopping), it
     * and every unsettled delivery behind it, up to a batch, are written in one INSERT whether or not their
     * transactions commit meanwhile (a row that turns out to be on Kafka is at or below the marker and is deleted).
     */
    private void settle() {
        while (!unsettled.isEmpty()) {
            Delivery head = unsettled.peekFirst();
            if (onKafka(head)) {
                unsettled.pollFirst();
                head.spoolSkipped();
                publisher.spoolSettled(head.seq());
                continue;
            }
            if (running && publisher.live() && head.ageMillis() < spoolAfterMillis) {
                return; // its transaction may still commit in time
            }
            List<Delivery> rows = new ArrayList<>(Math.min(unsettled.size(), config.publish().spoolBatchSize()));
            long maxSeq = 0;
            while (!unsettled.isEmpty() && rows.size() < config.publish().spoolBatchSize()) {
                Delivery d = unsettled.pollFirst();
                maxSeq = d.seq();
                if (onKafka(d)) {
                    d.spoolSkipped();
                } else {
                    rows.add(d);
                }
            }
            write(rows, maxSeq);
        }
    }

    private static boolean onKafka(Delivery d) {
        return d.published.isDone() && !d.published.isCompletedExceptionally();
    }

    /** One INSERT and commit of sequenced deliveries; then every seq up to {@code maxSeq} has settled. */
    private void write(List<Delivery> rows, long maxSeq) {
        long begin = System.nanoTime();
        try {
            if (!rows.isEmpty()) {
                store.insert(config.instanceId(), rows);
                writeTime.record(System.nanoTime() - begin, TimeUnit.NANOSECONDS);
                spoolWorked();
            }
            for (Delivery d : rows) {
                d.spoolCommitted();
            }
        } catch (Exception e) {
            failed(e, "spool write of " + rows.size() + " deliveries");
            for (Delivery d : rows) {
                d.spoolFailed(e);
            }
        } finally {
            publisher.spoolSettled(maxSeq); // after every outcome above is visible
        }
    }

    private void spoolWorked() {
        healthy = true;
        lastError.set(null);
    }

    private void failed(Exception e, String what) {
        healthy = false;
        lastError.set(e.getClass().getSimpleName() + ": " + e.getMessage());
        LOG.warnf("%s failed: %s", what, e.getMessage());
    }

    /** The next reserved seq, reserving a new range when the current one is used up. */
    private long nextSeq() throws SQLException {
        if (reservedNext >= reserved.length) {
            long[] next = store.reserveSeqs(Math.max(RESERVE, config.publish().spoolBatchSize()));
            long last = reserved.length == 0 ? 0 : reserved[reserved.length - 1];
            if (next[0] <= last) {
                // Only possible if the sequence was given CACHE > 1 (per-session caches): seq order would no longer be
                // arrival order, which the publisher's recovery relies on. Refuse; deliveries then go direct.
                throw new SQLException("spool sequence went backwards (" + next[0] + " after " + last
                        + "): it must keep CACHE 1");
            }
            reserved = next;
            reservedNext = 0;
            spoolWorked(); // with the broker healthy this may be the writer's only statement for a long time
        }
        return reserved[reservedNext++];
    }
}
