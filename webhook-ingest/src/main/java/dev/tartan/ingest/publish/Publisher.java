package dev.tartan.ingest.publish;

import dev.tartan.contracts.EventHeaders;
import dev.tartan.contracts.Topics;
import dev.tartan.ingest.IngestConfig;
import dev.tartan.ingest.spool.SpoolStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes deliveries to Kafka, exactly once per accepted delivery, in spool order.
 *
 * <p>How "exactly once" holds across a broker outage and an ingest restart (docs/services/webhook-ingest.md):
 * every delivery is in the spool before it is published; records are published by a <em>transactional</em> producer
 * ({@code transactional.id} = {@code webhook-ingest.<instance-id>}), and the same Kafka transaction commits a marker,
 * "highest spool seq published", as the offset of a private consumer group. Records and marker become visible
 * atomically. After any doubt (send or commit timed out, broker gone, process restarted) the publisher builds a new
 * producer, whose {@code initTransactions()} fences the old one and completes or aborts its open transaction, then
 * reads the marker back ({@code requireStable}) and republishes exactly the rows above it. Consumers read with
 * {@code isolation.level=read_committed}, so an aborted attempt is never seen.
 *
 * <p>Two modes: {@code LIVE} takes freshly spooled deliveries from memory (the HTTP answer waits for the commit);
 * {@code RECOVERING} drains the spool table in seq order after a failure, a restart or an in-memory overflow, then
 * returns to {@code LIVE}. One thread; it blocks on the broker, never on an event loop.
 */
@ApplicationScoped
public class Publisher {

    private static final Logger LOG = Logger.getLogger(Publisher.class);
    /** The marker lives as a consumer-group offset on a partition that always exists. */
    static final TopicPartition MARKER_PARTITION = new TopicPartition(Topics.PLAID_WEBHOOKS_OTHER, 0);

    public enum Mode { STARTING, LIVE, RECOVERING, STOPPED }

    private final IngestConfig config;
    private final SpoolStore store;
    private final MeterRegistry registry;
    private final String bootstrapServers;
    private final String source;
    private final LinkedBlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong spoolDepth = new AtomicLong();
    private final AtomicLong lastPublishedSeq = new AtomicLong(-1);
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private volatile boolean overflow;
    private volatile boolean running;
    private volatile Mode mode = Mode.STARTING;
    /** Spool housekeeping (delete published rows, depth) failed last time: logged once per outage. */
    private boolean housekeepingFailing;
    private volatile long lastBrokerOkMillis;
    private Thread thread;
    private KafkaProducer<String, String> producer;
    private Timer publishLatency;
    private Counter published;

    public Publisher(IngestConfig config, SpoolStore store, MeterRegistry registry,
                     @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                     @ConfigProperty(name = "quarkus.application.name") String source) {
        this.config = config;
        this.store = store;
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
        this.source = source;
    }

    void start(@Observes @Priority(20) StartupEvent event) {
        registry.gauge("tartan_ingest_spool_depth", spoolDepth);
        publishLatency = Timer.builder("tartan_ingest_publish_latency")
                .description("from acceptance to the Kafka transaction commit that contains the record")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry);
        published = registry.counter("tartan_ingest_published_total");
        running = true;
        thread = new Thread(this::loop, "ingest-publisher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs after the spool writer stopped (lower priority runs later): publish what is in memory, then close. */
    void stop(@Observes @Priority(30) ShutdownEvent event) {
        running = false;
        if (thread != null) {
            try {
                thread.join(config.publish().kafkaTimeout().toMillis() + 2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeProducer(Duration.ofSeconds(2));
        mode = Mode.STOPPED;
    }

    /** Hands over a delivery that is committed to the spool (seq > 0) or could not be spooled (seq = -1). */
    public void offer(Delivery d) {
        if (queued.get() >= config.publish().maxPending() && d.seq() > 0) {
            overflow = true; // it is in the spool: recovery reads it from there
            return;
        }
        queued.incrementAndGet();
        queue.add(d);
    }

    public Mode mode() {
        return mode;
    }

    /** Whether a fresh delivery's HTTP answer should wait for the Kafka commit (only when publishing live). */
    public boolean live() {
        return mode == Mode.LIVE;
    }

    public long millisSinceBrokerOk() {
        return lastBrokerOkMillis == 0 ? Long.MAX_VALUE : System.currentTimeMillis() - lastBrokerOkMillis;
    }

    public String lastError() {
        return lastError.get();
    }

    public long lastPublishedSeq() {
        return lastPublishedSeq.get();
    }

    public long spoolDepth() {
        return spoolDepth.get();
    }

    String transactionalId() {
        return "webhook-ingest." + config.instanceId();
    }

    String markerGroup() {
        return "webhook-ingest.spool-marker." + config.instanceId();
    }

    // ---------------------------------------------------------------- the loop

    private void loop() {
        long backoff = config.publish().initialBackoff().toMillis();
        long lastStats = 0;
        long pendingDelete = -1;
        long lastDelete = 0;
        List<Delivery> batch = new ArrayList<>();
        while (running || (producer != null && mode == Mode.LIVE && !queue.isEmpty())) {
            try {
                if (producer == null) {
                    mode = Mode.RECOVERING;
                    openProducerAndReadMarker();
                    pendingDelete = lastPublishedSeq.get();
                }
                batch.clear();
                if (mode == Mode.RECOVERING || overflow) {
                    mode = Mode.RECOVERING;
                    overflow = false;
                    batch.addAll(store.readAfter(config.instanceId(), lastPublishedSeq.get(), config.publish().publishBatchSize()));
                    if (batch.isEmpty()) {
                        mode = Mode.LIVE;
                        LOG.infof("spool drained up to seq %d; publishing live", lastPublishedSeq.get());
                        continue;
                    }
                } else {
                    Delivery first = queue.poll(50, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        batch.add(first);
                        queue.drainTo(batch, config.publish().publishBatchSize() - 1);
                        queued.addAndGet(-batch.size());
                        batch.removeIf(d -> alreadyPublished(d) || !d.claimForSend());
                    }
                }
                if (!batch.isEmpty()) {
                    long upTo = publish(batch);
                    if (upTo > 0) {
                        pendingDelete = upTo;
                    }
                }
                backoff = config.publish().initialBackoff().toMillis();
                long now = System.currentTimeMillis();
                // Spool housekeeping. If the spool's database is away, publishing live needs only Kafka: stay live
                // (webhooks then go straight to Kafka) and delete the published rows once the database is back.
                try {
                    boolean touched = false;
                    if (pendingDelete > 0 && (batch.isEmpty() || now - lastDelete > 200)) {
                        store.deleteUpTo(config.instanceId(), pendingDelete);
                        pendingDelete = -1;
                        lastDelete = now;
                        touched = true;
                    }
                    if (now - lastStats > 2000) {
                        spoolDepth.set(store.stats().depth());
                        lastStats = now;
                        touched = true;
                    }
                    if (touched && housekeepingFailing) {
                        housekeepingFailing = false;
                        LOG.info("spool reachable again; published rows deleted");
                    }
                } catch (SQLException e) {
                    if (!housekeepingFailing) {
                        housekeepingFailing = true;
                        LOG.warnf("spool unreachable for housekeeping (%s); still publishing live", e.getMessage());
                    }
                    lastDelete = now;
                    lastStats = now;
                }
            } catch (InterruptedException e) {
                if (!running) {
                    continue; // drain what is in memory, then leave
                }
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                lastError.set(e.getClass().getSimpleName() + ": " + e.getMessage());
                LOG.warnf("publisher: %s; recovering from the spool in %d ms", lastError.get(), backoff);
                for (Delivery d : batch) {
                    if (d.seq() < 0) {
                        d.published.completeExceptionally(e); // not spooled: its requester answers 503
                    }
                }
                closeProducer(Duration.ZERO);
                if (!running) {
                    return;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, config.publish().maxBackoff().toMillis());
            }
        }
    }

    /** A spooled delivery already published by recovery: its requester may stop waiting. */
    private boolean alreadyPublished(Delivery d) {
        if (d.seq() > 0 && d.seq() <= lastPublishedSeq.get()) {
            d.published.complete(null);
            return true;
        }
        return false;
    }

    /** One Kafka transaction: the records and the new marker. Returns the marker committed, or -1 if unchanged. */
    private long publish(List<Delivery> batch) {
        long maxSeq = -1;
        producer.beginTransaction();
        for (Delivery d : batch) {
            producer.send(toRecord(d));
            maxSeq = Math.max(maxSeq, d.seq());
        }
        if (maxSeq > lastPublishedSeq.get()) {
            producer.sendOffsetsToTransaction(Map.of(MARKER_PARTITION, new OffsetAndMetadata(maxSeq, "spool-seq")),
                    new ConsumerGroupMetadata(markerGroup()));
        }
        producer.commitTransaction();
        lastBrokerOkMillis = System.currentTimeMillis();
        lastError.set(null);
        if (maxSeq > lastPublishedSeq.get()) {
            lastPublishedSeq.set(maxSeq);
        }
        long now = System.nanoTime();
        for (Delivery d : batch) {
            d.published.complete(null);
            publishLatency.record(now - d.createdNanos, TimeUnit.NANOSECONDS);
        }
        published.increment(batch.size());
        return maxSeq > 0 ? maxSeq : -1;
    }

    private void openProducerAndReadMarker() throws Exception {
        KafkaProducer<String, String> p = new KafkaProducer<>(producerProperties(), new StringSerializer(), new StringSerializer());
        try {
            p.initTransactions(); // fences a previous incarnation and completes or aborts its open transaction
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
        long marker;
        try (Admin admin = Admin.create(adminProperties())) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets(
                            Map.of(markerGroup(), new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(MARKER_PARTITION))),
                            new ListConsumerGroupOffsetsOptions().requireStable(true))
                    .partitionsToOffsetAndMetadata(markerGroup())
                    .get(config.publish().kafkaTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .get(MARKER_PARTITION);
            marker = committed == null ? 0 : committed.offset();
        } catch (Exception e) {
            p.close(Duration.ZERO);
            throw e;
        }
        producer = p;
        lastPublishedSeq.set(marker);
        lastBrokerOkMillis = System.currentTimeMillis();
        LOG.infof("publisher ready (transactional.id=%s): spool rows up to seq %d are on Kafka", transactionalId(), marker);
    }

    private void closeProducer(Duration timeout) {
        KafkaProducer<String, String> p = producer;
        producer = null;
        if (p != null) {
            try {
                p.close(timeout);
            } catch (RuntimeException e) {
                LOG.debugf("closing producer: %s", e.getMessage());
            }
        }
    }

    Properties producerProperties() {
        long timeout = config.publish().kafkaTimeout().toMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0"); // batching is ours: one transaction per batch of requests
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Back-to-back transactions: the first request of the next transaction is answered CONCURRENT_TRANSACTIONS
        // until the coordinator has written the previous one's markers, and the client waits retry.backoff.ms before
        // asking again. The default 100 ms put a 60 ms median under every webhook at half load (docs/performance.md);
        // the markers take a few ms on loopback, so ask again soon.
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "5");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(timeout));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(1000, timeout / 2)));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout));
        p.putAll(config.publish().producer());
        return p;
    }

    private Properties adminProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, transactionalId() + ".admin");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(config.publish().kafkaTimeout().toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(1000, config.publish().kafkaTimeout().toMillis() / 2)));
        return p;
    }

    private ProducerRecord<String, String> toRecord(Delivery d) {
        RecordHeaders h = new RecordHeaders();
        h.add(EventHeaders.ID, bytes(d.deliveryId()));
        h.add(EventHeaders.TYPE, bytes(d.eventType()));
        h.add(EventHeaders.SOURCE, bytes(source));
        h.add(EventHeaders.TIME, bytes(d.receivedAt().toString()));
        h.add(EventHeaders.SUBJECT, bytes(d.key()));
        h.add(EventHeaders.SPEC_VERSION, bytes("1.0"));
        h.add(EventHeaders.CONTENT_TYPE, bytes("application/cloudevents+json"));
        if (d.traceparent() != null) {
            // the consumer's span (SmallRye's Kafka connector extracts it) continues the webhook's HTTP trace
            h.add(EventHeaders.TRACEPARENT, bytes(d.traceparent()));
        }
        return new ProducerRecord<>(d.topic(), null, d.key(), d.envelopeJson(), h);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
