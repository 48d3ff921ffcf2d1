package dev.tartan.ingest.spool;

import dev.tartan.ingest.IngestConfig;
import dev.tartan.ingest.publish.Delivery;
import dev.tartan.ingest.publish.Publisher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.annotation.Priority;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes accepted deliveries ahead to the spool, one INSERT (one commit) per batch of whatever arrived meanwhile, on
 * one thread, so seq order is arrival order and the publisher receives them in seq order. A failed INSERT fails the
 * batch's {@code spooled} futures; the resource then tries Kafka directly and answers 503 only if that fails too.
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

    public SpoolWriter(IngestConfig config, SpoolStore store, Publisher publisher) {
        this.config = config;
        this.store = store;
        this.publisher = publisher;
        this.queue = new ArrayBlockingQueue<>(config.publish().maxPending());
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
        try {
            store.insert(config.instanceId(), batch);
            healthy = true;
            lastError.set(null);
        } catch (Exception e) {
            healthy = false;
            lastError.set(e.getClass().getSimpleName() + ": " + e.getMessage());
            LOG.warnf("spool write of %d deliveries failed: %s", batch.size(), e.getMessage());
            for (Delivery d : batch) {
                d.spooled.completeExceptionally(e);
            }
            return;
        }
        batch.sort(Comparator.comparingLong(Delivery::seq));
        for (Delivery d : batch) {
            publisher.offer(d); // before completing spooled: the answer may then wait for the publisher
            d.spooled.complete(null);
        }
    }
}
