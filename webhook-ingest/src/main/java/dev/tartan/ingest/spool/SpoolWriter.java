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

import java.util.ArrayList;
import java.util.List;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes accepted deliveries ahead to the spool, one INSERT (one commit) per batch of whatever arrived meanwhile, on
 * one thread, so seq order is arrival order and the publisher receives them in seq order.
 *
 * <p><b>Overlap.</b> Seqs are reserved from the spool's sequence ahead of time ({@link SpoolStore#reserveSeqs}), so
 * a batch is sequenced and handed to the publisher <em>before</em> its INSERT commits; the Kafka transaction and the
 * spool commit then run at the same time instead of one after the other. What keeps that exactly-once is in
 * {@link Publisher} (the marker only covers records that are on Kafka; recovery waits until every handed-over seq is
 * settled) and docs/services/webhook-ingest.md. This thread still runs one INSERT at a time, in seq order, so a
 * committed row implies every lower seq of this incarnation is settled (committed or failed) — the property recovery
 * relies on. After each INSERT it reports the batch settled ({@link Publisher#spoolSettled}), after each delivery's
 * outcome is set.
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

    public SpoolWriter(IngestConfig config, SpoolStore store, Publisher publisher, MeterRegistry registry) {
        this.config = config;
        this.store = store;
        this.publisher = publisher;
        this.queue = new ArrayBlockingQueue<>(config.publish().maxPending());
        this.writeTime = Timer.builder("tartan_ingest_spool_write")
                .description("one spool INSERT and commit of a batch of deliveries")
                .publishPercentiles(0.5, 0.99, 0.999).register(registry);
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
        while (running || !queue.isEmpty()) {
            try {
                Delivery first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, config.publish().spoolBatchSize() - 1);
                write(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void write(List<Delivery> batch) {
        List<Delivery> sequenced = new ArrayList<>(batch.size());
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
                sequenced.add(d);
            } else {
                reservedNext--; // its requester already went direct (spool timeout): reuse the value
            }
        }
        if (sequenced.isEmpty()) {
            return;
        }
        long maxSeq = sequenced.get(sequenced.size() - 1).seq();
        for (Delivery d : sequenced) {
            publisher.offer(d); // before the INSERT: the Kafka transaction overlaps the spool commit
        }
        long begin = System.nanoTime();
        try {
            store.insert(config.instanceId(), sequenced);
            writeTime.record(System.nanoTime() - begin, TimeUnit.NANOSECONDS);
            healthy = true;
            lastError.set(null);
            for (Delivery d : sequenced) {
                d.spoolCommitted();
            }
        } catch (Exception e) {
            failed(e, "spool write of " + sequenced.size() + " deliveries");
            for (Delivery d : sequenced) {
                d.spoolFailed(e);
            }
        } finally {
            publisher.spoolSettled(maxSeq); // after every outcome above is visible
        }
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
        }
        return reserved[reservedNext++];
    }
}
