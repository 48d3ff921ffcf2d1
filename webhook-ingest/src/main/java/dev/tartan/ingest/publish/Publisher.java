package dev.tartan.ingest.publish;

import dev.tartan.contracts.EventHeaders;
import dev.tartan.contracts.Topics;
import dev.tartan.ingest.IngestConfig;
import dev.tartan.ingest.spool.SpoolStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
 * every delivery is sequenced in spool order before it is published, and written to the spool unless it is on Kafka
 * within {@code spool-after} (SpoolWriter); records are published by <em>transactional</em> producers
 * ({@code transactional.id} = {@code webhook-ingest.<instance-id>} and {@code webhook-ingest.<instance-id>.lane-1},
 * used in turn, one transaction at a time), and the same Kafka transaction writes a marker, "highest spool seq
 * published", as a record keyed by the instance id in the compacted marker topic ({@code publish.marker-topic}).
 * Records and marker become visible atomically, and transactions commit in publish order whichever lane carries them.
 * After any doubt (send or commit timed out, broker gone, process restarted) the publisher builds new producers, whose
 * {@code initTransactions()} fence the old ones and complete or abort their open transactions, then reads the last
 * committed marker back ({@link MarkerReader}) and republishes exactly the rows above it. Consumers read with
 * {@code isolation.level=read_committed}, so an aborted attempt is never seen.
 *
 * <p>Two modes: {@code LIVE} takes freshly sequenced deliveries from memory (the HTTP answer waits for the commit);
 * {@code RECOVERING} drains the spool table in seq order after a failure, a restart or an in-memory overflow, then
 * returns to {@code LIVE}. One thread; it blocks on the broker, never on an event loop.
 *
 * <p><b>Overlap with the spool commit.</b> The spool writer hands a batch over as soon as it has assigned its seqs,
 * before its INSERT commits, so a Kafka transaction may commit first. The invariant that makes this safe:
 * <em>the committed marker M covers only records that are on Kafka</em> — every seq at or below M of this owner is
 * either in a committed transaction or has no spool row and never will be published (its requester is answered
 * 503, or its row, committing late, is deleted). It holds because:
 * <ul>
 *   <li>live batches are taken from the queue in seq order, and a seq is skipped only when it is already on Kafka
 *       (read from the spool by recovery) or abandoned by its requester (no spool row, never sent);</li>
 *   <li>recovery reads the table only after every seq handed over so far has <em>settled</em> (its INSERT committed
 *       or failed: {@link #awaitSettled}); the spool writer commits one INSERT at a time in seq order, so the read
 *       misses no committed row below the highest one it returns, and no row that could still commit below it;</li>
 *   <li>recovery reads only rows above the marker, and the marker never decreases: a row whose INSERT commits after
 *       the transaction that published it (or after a crash, from a dead incarnation's connection) is at or below
 *       the marker, so it is deleted, never republished;</li>
 *   <li>a transaction that failed is resolved after fencing: each marker carries the transaction's id in its
 *       value, so the marker read back says whether that very transaction committed ({@link #resolveInDoubt}).</li>
 * </ul>
 */
@ApplicationScoped
public class Publisher {

    private static final Logger LOG = Logger.getLogger(Publisher.class);
    /**
     * Where releases before the marker topic kept the marker: the offset of a private consumer group on this partition,
     * with metadata {@code spool-seq tx=<incarnation>:<n>}. Read only when the marker topic has no record for this
     * instance yet (the first start after an upgrade), never written.
     */
    static final TopicPartition LEGACY_MARKER_PARTITION = new TopicPartition(Topics.PLAID_WEBHOOKS_OTHER, 0);
    static final String LEGACY_MARKER_TX = "spool-seq tx=";

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
    /** Highest seq the spool writer handed over (spool writer thread writes, this thread reads). */
    private volatile long handedUpTo;
    /**
     * The first seq this process handed over. Seqs come from one sequence without caching, so every row an earlier
     * incarnation can still commit late lies below it: that is the only range the minute's catch-up DELETE covers.
     */
    private volatile long firstHandedSeq = Long.MAX_VALUE;
    /** Highest seq whose INSERT settled (committed or failed); everything handed over below it settled too. */
    private volatile long settledUpTo;
    /** Names this process's transactions in the marker, so an in-doubt one can be recognised. */
    private final String incarnation = java.util.UUID.randomUUID().toString();
    private long transactions;
    /** The deliveries of the last transaction that failed, and its id: resolved after the next marker read. */
    private List<Delivery> inDoubt = List.of();
    private String inDoubtTx;
    /** Recovery must wait for the handed-over INSERTs to settle before it reads the table. */
    private boolean needSettle;
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private volatile boolean overflow;
    private volatile boolean running;
    private volatile Mode mode = Mode.STARTING;
    /** Bumped whenever a new producer has read the marker back (publisher thread writes, housekeeper reads). */
    private volatile int producerGeneration;
    static final long HOUSEKEEPING_INTERVAL_MS = 200;
    private volatile long lastBrokerOkMillis;
    private Thread thread;
    /**
     * The transactional producers ({@code transaction-lanes}, two by default), used in turn: one transaction at a
     * time, so commit order is publish order, but back to back on different transactional ids. On one id, the next
     * transaction waited (CONCURRENT_TRANSACTIONS) until the coordinator had written the previous commit's markers;
     * that wait was most of a transaction
     * (docs/services/webhook-ingest.md, "Two lanes"). Null while there is none (after a failure, before recovery).
     */
    private KafkaProducer<String, String>[] lanes;
    /** The lane of the next transaction. */
    private int lane;
    private Timer publishLatency;
    private Timer transactionTime;
    /** Where a transaction's time goes: begin and its sends (the marker's too), then its commit. */
    private Timer sendsTime;
    private Timer commitTime;
    private DistributionSummary transactionSize;
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
        laneCount(); // a bad value fails the start, not every recovery attempt
        registry.gauge("tartan_ingest_spool_depth", spoolDepth);
        publishLatency = Timer.builder("tartan_ingest_publish_latency")
                .description("from acceptance to the Kafka transaction commit that contains the record")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram().register(registry);
        published = registry.counter("tartan_ingest_published_total");
        // what a webhook's latency is made of: the Kafka transaction it rides in (begin to commit) and its batch
        transactionTime = Timer.builder("tartan_ingest_kafka_transaction")
                .description("one Kafka transaction of the publisher: begin, sends, marker, commit")
                .publishPercentiles(0.5, 0.99, 0.999).register(registry);
        sendsTime = phaseTimer("sends", "begin and the sends of records and marker (queued, not yet acknowledged)");
        commitTime = phaseTimer("commit", "commitTransaction: every send acknowledged, then the commit");
        transactionSize = DistributionSummary.builder("tartan_ingest_kafka_transaction_records")
                .description("records per Kafka transaction of the publisher")
                .publishPercentiles(0.5, 0.99).register(registry);
        running = true;
        thread = new Thread(this::loop, "ingest-publisher");
        thread.setDaemon(true);
        thread.start();
        Thread housekeeper = new Thread(this::housekeeping, "ingest-spool-housekeeping");
        housekeeper.setDaemon(true);
        housekeeper.start();
    }

    private Timer phaseTimer(String phase, String description) {
        return Timer.builder("tartan_ingest_kafka_transaction_phase").tag("phase", phase).description(description)
                .publishPercentiles(0.5, 0.99).register(registry);
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
        closeProducers(Duration.ofSeconds(2));
        mode = Mode.STOPPED;
    }

    /**
     * Hands over a delivery sequenced by the spool writer (seq > 0; its INSERT may still be running) or one that
     * could not be spooled (seq = -1). Spool writer calls come in seq order from one thread.
     */
    public void offer(Delivery d) {
        if (d.seq() > 0) {
            handedUpTo = Math.max(handedUpTo, d.seq());
            if (firstHandedSeq == Long.MAX_VALUE) {
                firstHandedSeq = d.seq();
            }
        }
        if (queued.get() >= config.publish().maxPending() && d.seq() > 0) {
            // Dropped from memory: recovery reads it from the spool if its INSERT commits (after waiting for it to
            // settle); if the INSERT fails, nothing sends it and its requester abandons it (503).
            overflow = true;
            return;
        }
        queued.incrementAndGet();
        queue.add(d);
    }

    /** Spool writer: the INSERT of every handed-over seq up to {@code seq} settled (outcomes already set). */
    public void spoolSettled(long seq) {
        settledUpTo = Math.max(settledUpTo, seq);
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

    /**
     * Lane 0 keeps the id of the single-producer publisher, so an upgraded instance fences an old incarnation still
     * running under it; lane 1 adds a suffix. (The Kafka ACL grants the {@code webhook-ingest} prefix.)
     */
    int laneCount() {
        int n = config.publish().transactionLanes();
        if (n < 1 || n > 4) {
            throw new IllegalArgumentException("tartan.ingest.publish.transaction-lanes must be 1 to 4, not " + n);
        }
        return n;
    }

    String transactionalId(int lane) {
        return "webhook-ingest." + config.instanceId() + (lane == 0 ? "" : ".lane-" + lane);
    }

    /** Releases before the marker topic: the consumer group whose offset was the marker. */
    String legacyMarkerGroup() {
        return "webhook-ingest.spool-marker." + config.instanceId();
    }

    // ---------------------------------------------------------------- the loop

    private void loop() {
        long backoff = config.publish().initialBackoff().toMillis();
        List<Delivery> batch = new ArrayList<>();
        while (running || (lanes != null && mode == Mode.LIVE && !queue.isEmpty())) {
            try {
                if (lanes == null) {
                    mode = Mode.RECOVERING;
                    resolveInDoubt(openProducerAndReadMarker());
                    producerGeneration++; // the housekeeper's next DELETE is unbounded
                    needSettle = true;
                }
                batch.clear();
                if (mode == Mode.RECOVERING || overflow) {
                    mode = Mode.RECOVERING;
                    if (overflow) {
                        overflow = false;
                        needSettle = true;
                    }
                    if (needSettle) {
                        // Everything handed over before now and not in the queue (the failed batch, dropped ones)
                        // reaches Kafka only through this read: let those INSERTs commit or fail first.
                        awaitSettled(handedUpTo);
                        needSettle = false;
                    }
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
                        batch.removeIf(d -> !takeLive(d));
                    }
                }
                if (!batch.isEmpty()) {
                    publish(batch);
                }
                backoff = config.publish().initialBackoff().toMillis();
            } catch (InterruptedException e) {
                if (!running) {
                    continue; // drain what is in memory, then leave
                }
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                lastError.set(e.getClass().getSimpleName() + ": " + e.getMessage());
                LOG.warnf("publisher: %s; recovering from the spool in %d ms", lastError.get(), backoff);
                // A failed transaction's deliveries are resolved after the next producer fenced it (resolveInDoubt)
                closeProducers(Duration.ZERO);
                if (!running) {
                    return;
                }
                sleep(backoff);
                backoff = Math.min(backoff * 2, config.publish().maxBackoff().toMillis());
            }
        }
    }

    // ---------------------------------------------------------------- spool housekeeping

    /**
     * Deletes published rows and refreshes the backlog gauge, on its own thread: a DELETE or a count never delays a
     * Kafka transaction (inline, each one added its milliseconds to every webhook waiting behind it, and a spool
     * database that hangs would have held up publishing, which needs only Kafka). If the database is away it retries
     * and the publisher carries on; the marker, not the deletion, is the truth.
     */
    private void housekeeping() {
        long deletedUpTo = -1;
        long lastCatchUp = System.currentTimeMillis();
        long lastStats = 0;
        int generation = -1;
        boolean failing = false;
        while (running) {
            long now = System.currentTimeMillis();
            try {
                long marker = lastPublishedSeq.get();
                int g = producerGeneration;
                if (g != generation) {
                    deletedUpTo = -1; // a new producer read the marker: rows a previous incarnation left at or below it
                    generation = g;
                }
                // Only rows whose INSERT settled: a row of a batch already on Kafka whose INSERT is still running
                // would commit after the DELETE and linger (harmless, at or below the marker, but counted).
                long handed = handedUpTo;
                long settled = settledUpTo;
                long deletable = settled >= handed ? marker : Math.min(marker, settled);
                if (deletable > 0 && deletable > deletedUpTo) {
                    // From where the last DELETE stopped: every row of this incarnation up to there had settled, so
                    // none can appear below it. The first DELETE after a marker read starts from the bottom.
                    store.deleteRange(config.instanceId(), deletedUpTo < 0 ? -1 : deletedUpTo, deletable);
                    deletedUpTo = deletable;
                }
                if (deletedUpTo > 0 && now - lastCatchUp > config.publish().spoolCatchUpInterval().toMillis()) {
                    // Every spool-catch-up-interval (a minute), the range below this process's first seq: a row a
                    // dead incarnation's session committed after the first DELETE, at or below the marker, goes too.
                    // Not the whole range: the rows this process deleted stay as dead index entries until vacuum, and
                    // walking them all every minute would be the cost the bounded DELETE removed.
                    long below = Math.min(deletedUpTo, firstHandedSeq - 1);
                    if (below > 0) {
                        store.deleteRange(config.instanceId(), -1, below);
                    }
                    lastCatchUp = now;
                }
                if (now - lastStats > 2000) {
                    spoolDepth.set(store.backlog(config.instanceId(), lastPublishedSeq.get()));
                    lastStats = now;
                }
                if (failing) {
                    failing = false;
                    LOG.info("spool reachable again; published rows deleted");
                }
            } catch (SQLException e) {
                if (!failing) {
                    failing = true;
                    LOG.warnf("spool unreachable for housekeeping (%s); still publishing live", e.getMessage());
                }
                lastStats = now;
            } catch (RuntimeException e) {
                LOG.warnf("spool housekeeping: %s", e.toString());
            }
            sleep(HOUSEKEEPING_INTERVAL_MS);
        }
    }

    /**
     * Whether a delivery taken from the queue goes into the next live transaction.
     *
     * <p>Its seq may be at or below the marker: recovery published past it from the table. The spool writer commits
     * in seq order and recovery read a committed row above it, so this delivery had settled before that read. If its
     * row committed, the read returned it and it is on Kafka: done. If its INSERT failed (or, defensively, is still
     * pending — then it was not committed at the read either), it is not on Kafka: publish it now. Its seq is at or
     * below the marker, so a row for it that commits later is never republished.
     */
    private boolean takeLive(Delivery d) {
        if (d.seq() > 0 && d.seq() <= lastPublishedSeq.get() && d.spoolCommittedForSure()) {
            d.published.complete(null);
            return false;
        }
        return d.claimForSend(); // false: its requester abandoned it (no spool row) and answered 503
    }

    /**
     * After the new producer fenced the previous one and the marker was read back: did the transaction that failed
     * commit after all? Its id is in the marker exactly when it did (every transaction writes a marker and
     * none has committed since). If it did, all of its deliveries are on Kafka. If not, it is aborted for good (the
     * fence forbids a late commit): its deliveries whose spool row committed are republished by recovery; those with
     * no spool row — direct ones, or whose INSERT failed — fail, so their requesters answer 503 and Plaid retries;
     * those whose INSERT is still running fail if it fails (if it commits, recovery, which waits for it, republishes).
     */
    private void resolveInDoubt(String committedTx) {
        if (inDoubt.isEmpty()) {
            return;
        }
        boolean committed = inDoubtTx != null && inDoubtTx.equals(committedTx);
        LOG.infof("failed transaction %s of %d records %s", inDoubtTx, inDoubt.size(),
                committed ? "committed after all" : "was aborted");
        IllegalStateException aborted = new IllegalStateException("Kafka transaction aborted and no spool row");
        for (Delivery d : inDoubt) {
            if (committed) {
                d.published.complete(null);
            } else if (d.seq() < 0 || d.spoolFailedForSure()) {
                d.published.completeExceptionally(aborted);
            } else if (d.spoolPending()) {
                d.spooled.whenComplete((ok, t) -> {
                    if (d.spoolFailedForSure()) {
                        d.published.completeExceptionally(aborted);
                    }
                });
            }
        }
        inDoubt = List.of();
        inDoubtTx = null;
    }

    /** Waits until every seq up to {@code seq} handed over has settled in the spool (committed or failed). */
    private void awaitSettled(long seq) throws InterruptedException {
        long deadline = System.currentTimeMillis() + config.publish().spoolTimeout().toMillis();
        while (settledUpTo < seq) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("spool writes up to seq " + seq + " have not settled (at " + settledUpTo
                        + "); recovery cannot read the spool yet");
            }
            Thread.sleep(1);
        }
    }

    /** One Kafka transaction: the records and the new marker. */
    private void publish(List<Delivery> batch) {
        long maxSeq = Math.max(0, lastPublishedSeq.get()); // the marker never decreases
        for (Delivery d : batch) {
            maxSeq = Math.max(maxSeq, d.seq());
        }
        String txId = incarnation + ":" + (++transactions);
        KafkaProducer<String, String> producer = lanes[lane];
        long begin = System.nanoTime();
        long sent;
        try {
            producer.beginTransaction();
            for (Delivery d : batch) {
                producer.send(toRecord(d));
            }
            // Always, even when the seq did not move (direct deliveries only): the marker names this transaction, so
            // after a failure the marker read back tells whether it committed. A record, not a consumer-group offset
            // (sendOffsetsToTransaction) as before: that was a blocking round trip to the group coordinator between
            // the sends and the commit, half of every transaction (docs/performance.md); the record rides with the
            // others.
            producer.send(new ProducerRecord<>(config.publish().markerTopic(), 0, config.instanceId(),
                    Marker.value(maxSeq, txId)));
            sent = System.nanoTime();
            // commitTransaction first waits for every send's acknowledgement: the next transaction, on the other
            // lane, appends after these records in any partition they share, so per-key order is spool order.
            producer.commitTransaction();
        } catch (RuntimeException e) {
            inDoubt = new ArrayList<>(batch);
            inDoubtTx = txId;
            throw e;
        }
        lane = (lane + 1) % lanes.length;
        lastBrokerOkMillis = System.currentTimeMillis();
        lastError.set(null);
        if (maxSeq > lastPublishedSeq.get()) {
            lastPublishedSeq.set(maxSeq);
        }
        long now = System.nanoTime();
        transactionTime.record(now - begin, TimeUnit.NANOSECONDS);
        sendsTime.record(sent - begin, TimeUnit.NANOSECONDS);
        commitTime.record(now - sent, TimeUnit.NANOSECONDS);
        transactionSize.record(batch.size());
        for (Delivery d : batch) {
            d.published.complete(null);
            publishLatency.record(now - d.createdNanos, TimeUnit.NANOSECONDS);
        }
        published.increment(batch.size());
    }

    /**
     * Opens (and fences with) new producers on every lane, reads the marker; returns the id of the transaction that
     * committed it. All are fenced before the read: a transaction of a previous incarnation (or of this one, after a
     * failure) on either id is then completed or aborted, and none can commit later.
     */
    @SuppressWarnings("unchecked")
    private String openProducerAndReadMarker() throws Exception {
        KafkaProducer<String, String>[] opened = new KafkaProducer[laneCount()];
        try {
            for (int i = 0; i < opened.length; i++) {
                opened[i] = new KafkaProducer<>(producerProperties(i), new StringSerializer(), new StringSerializer());
                opened[i].initTransactions(); // fences a previous incarnation, completes or aborts its open transaction
            }
        } catch (RuntimeException e) {
            close(opened, Duration.ZERO);
            throw e;
        }
        Marker marker;
        try (Admin admin = Admin.create(adminProperties())) {
            MarkerReader reader = new MarkerReader(admin, consumerProperties(), config.publish().markerTopic(),
                    config.instanceId(), config.publish().kafkaTimeout());
            marker = reader.ensureTopic() ? null : reader.read();
            if (marker == null) {
                marker = readLegacyMarker(admin);
            }
        } catch (Exception e) {
            close(opened, Duration.ZERO);
            throw e;
        }
        lanes = opened;
        lane = 0;
        lastPublishedSeq.set(marker.seq());
        lastBrokerOkMillis = System.currentTimeMillis();
        LOG.infof("publisher ready (%d transactional producers from transactional.id=%s): spool rows up to seq %d are on Kafka",
                opened.length, transactionalId(0), marker.seq());
        return marker.tx();
    }

    /**
     * The marker of a release before the marker topic (a consumer-group offset), read when the topic has no record
     * for this instance: the first start after an upgrade continues from where the old release stopped. No marker at
     * all: seq 0 (a new instance).
     */
    private Marker readLegacyMarker(Admin admin) throws Exception {
        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(
                        Map.of(legacyMarkerGroup(), new ListConsumerGroupOffsetsSpec().topicPartitions(List.of(LEGACY_MARKER_PARTITION))),
                        new ListConsumerGroupOffsetsOptions().requireStable(true))
                .partitionsToOffsetAndMetadata(legacyMarkerGroup())
                .get(config.publish().kafkaTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .get(LEGACY_MARKER_PARTITION);
        if (committed == null) {
            return new Marker(0, null);
        }
        String meta = committed.metadata();
        LOG.infof("no marker record for instance %s yet: continuing from the consumer-group marker, seq %d",
                config.instanceId(), committed.offset());
        return new Marker(committed.offset(),
                meta != null && meta.startsWith(LEGACY_MARKER_TX) ? meta.substring(LEGACY_MARKER_TX.length()) : null);
    }

    private void closeProducers(Duration timeout) {
        KafkaProducer<String, String>[] l = lanes;
        lanes = null;
        if (l != null) {
            close(l, timeout);
        }
    }

    private static void close(KafkaProducer<String, String>[] producers, Duration timeout) {
        for (KafkaProducer<String, String> p : producers) {
            if (p == null) {
                continue;
            }
            try {
                p.close(timeout);
            } catch (RuntimeException e) {
                LOG.debugf("closing producer: %s", e.getMessage());
            }
        }
    }

    Properties producerProperties(int lane) {
        long timeout = config.publish().kafkaTimeout().toMillis();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId(lane));
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(lane));
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0"); // batching is ours: one transaction per batch of requests
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Back-to-back transactions: the first request of the next transaction is answered CONCURRENT_TRANSACTIONS
        // until the coordinator has written the previous one's markers, and the client waits retry.backoff.ms before
        // asking again. The default 100 ms put a 60 ms median under every webhook at half load (docs/performance.md);
        // the markers take a few ms on loopback, so ask again soon. 1 ms rather than 5: measured per transaction at
        // ~1,000 webhooks/s (2026-12-06), begin+send / sendOffsetsToTransaction (where that wait lands) / commit took
        // 0.3 / 5.1 / 1.7 ms with 5 ms and 0.2 / 2.4-3.3 / 1.1 ms with 1 ms (docs/performance.md). Other retries back
        // off exponentially from it up to retry.backoff.max.ms, so a broker outage costs a few more early retries.
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, "1");
        p.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, String.valueOf(timeout));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(timeout));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs());
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(timeout));
        p.putAll(config.publish().producer());
        return p;
    }

    /** One request may take half the Kafka budget (at least a second), so a failed one can be retried within it. */
    private String requestTimeoutMs() {
        return String.valueOf(Math.max(1000, config.publish().kafkaTimeout().toMillis() / 2));
    }

    /** The marker reader's consumer: no group, nothing committed, only committed transactions' records. */
    private Properties consumerProperties() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, transactionalId(0) + ".marker-reader");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs());
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(config.publish().kafkaTimeout().toMillis()));
        return p;
    }

    private Properties adminProperties() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, transactionalId(0) + ".admin");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(config.publish().kafkaTimeout().toMillis()));
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs());
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
