package dev.tartan.messaging.outbox;

import dev.tartan.contracts.EventHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Transaction;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes outbox rows to Kafka in {@code seq} order and deletes them once the broker acknowledged
 * them ({@code acks=all}, idempotent producer).
 *
 * <p>Why this shape (see docs/adr/0004-outbox-relay.md): every replica may run a relay, but each batch
 * runs inside a transaction holding {@code pg_try_advisory_xact_lock}, so one relay publishes at a
 * time and per-key order is kept across replicas. The relay sleeps until PostgreSQL delivers the
 * {@code NOTIFY} that {@link Outbox} issues (at commit), with polling as a fallback. It runs on its
 * own thread: it blocks on the broker, never on an event loop.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);
    /** Arbitrary but fixed: the advisory lock that elects the one active relay of a service database. */
    private static final long RELAY_LOCK_KEY = 0x7A47_0B0C_0001L;

    private final OutboxConfig config;
    private final Pool pool;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final String bootstrapServers;
    private final Optional<String> reactiveUrl;
    private final Optional<String> username;
    private final Optional<String> password;

    private final Semaphore wakeUp = new Semaphore(0);
    private final AtomicLong backlog = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private volatile boolean running;
    private volatile long lastSuccessAt = System.currentTimeMillis();
    private Thread thread;
    private KafkaProducer<String, String> producer;
    private PgSubscriber subscriber;
    private Counter published;
    private Counter failures;
    private Timer batchTimer;

    public OutboxRelay(OutboxConfig config, Pool pool, Vertx vertx, MeterRegistry registry,
                       @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers,
                       @ConfigProperty(name = "quarkus.datasource.reactive.url") Optional<String> reactiveUrl,
                       @ConfigProperty(name = "quarkus.datasource.username") Optional<String> username,
                       @ConfigProperty(name = "quarkus.datasource.password") Optional<String> password) {
        this.config = config;
        this.pool = pool;
        this.vertx = vertx;
        this.registry = registry;
        this.bootstrapServers = bootstrapServers;
        this.reactiveUrl = reactiveUrl;
        this.username = username;
        this.password = password;
    }

    void onStart(@Observes StartupEvent event) {
        registry.gauge("tartan_outbox_backlog", backlog);
        registry.gauge("tartan_outbox_oldest_age_seconds", oldestAgeMillis, v -> v.get() / 1000.0);
        published = registry.counter("tartan_outbox_published_total");
        failures = registry.counter("tartan_outbox_publish_failures_total");
        batchTimer = Timer.builder("tartan_outbox_batch_duration").publishPercentileHistogram().register(registry);
        if (!config.relayEnabled()) {
            LOG.info("outbox relay disabled on this instance (tartan.outbox.relay-enabled=false)");
            return;
        }
        producer = new KafkaProducer<>(producerProperties(), new StringSerializer(), new StringSerializer());
        listenForCommits();
        running = true;
        thread = new Thread(this::loop, "outbox-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        running = false;
        wakeUp.release();
        if (thread != null) {
            try {
                thread.join(config.sendTimeout().toMillis() + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (subscriber != null) {
            subscriber.close();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }

    /** Wake the relay now (tests, or code that knows it just committed rows). */
    public void wakeUp() {
        wakeUp.release();
    }

    public long backlog() {
        return backlog.get();
    }

    public Optional<String> lastError() {
        return Optional.ofNullable(lastError.get());
    }

    public long millisSinceLastSuccess() {
        return System.currentTimeMillis() - lastSuccessAt;
    }

    Properties producerProperties() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(config.sendTimeout().toMillis(), 2000)));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, String.valueOf(Math.max(config.sendTimeout().toMillis() - 500, 1000)));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(config.sendTimeout().toMillis()));
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "outbox-relay");
        p.putAll(config.producer());
        return p;
    }

    private void listenForCommits() {
        if (reactiveUrl.isEmpty()) {
            LOG.warn("no quarkus.datasource.reactive.url: outbox relay falls back to polling");
            return;
        }
        try {
            PgConnectOptions options = PgConnectOptions.fromUri(reactiveUrl.get().replaceFirst("^vertx-reactive:", ""));
            username.ifPresent(options::setUser);
            password.ifPresent(options::setPassword);
            subscriber = PgSubscriber.subscriber(vertx, options)
                    .reconnectPolicy(retries -> 1000L);
            subscriber.channel(Outbox.NOTIFY_CHANNEL).handler(payload -> wakeUp.release());
            subscriber.connect().onFailure(e -> LOG.warnf("outbox LISTEN failed (%s): falling back to polling", e.getMessage()));
        } catch (RuntimeException e) {
            LOG.warnf("outbox LISTEN not available (%s): falling back to polling", e.getMessage());
        }
    }

    private void loop() {
        long backoff = config.initialBackoff().toMillis();
        long lastStats = 0;
        while (running) {
            try {
                int sent = relayOnce();
                backoff = config.initialBackoff().toMillis();
                if (System.currentTimeMillis() - lastStats > config.statsInterval().toMillis()) {
                    refreshStats();
                    lastStats = System.currentTimeMillis();
                }
                if (sent < config.batchSize()) {
                    wakeUp.tryAcquire(config.pollInterval().toMillis(), TimeUnit.MILLISECONDS);
                    wakeUp.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                failures.increment();
                lastError.set(e.getClass().getSimpleName() + ": " + e.getMessage());
                LOG.warnf("outbox relay batch failed, retrying in %d ms: %s", backoff, e.getMessage());
                sleep(backoff);
                backoff = Math.min(backoff * 2, config.maxBackoff().toMillis());
            }
        }
    }

    /** Publishes one batch; returns how many rows were published. */
    int relayOnce() throws Exception {
        SqlConnection conn = pool.getConnection().await().atMost(config.sendTimeout());
        try {
            Transaction tx = conn.begin().await().atMost(config.sendTimeout());
            try {
                Boolean locked = conn.preparedQuery("SELECT pg_try_advisory_xact_lock($1) AS locked")
                        .execute(Tuple.of(RELAY_LOCK_KEY)).await().atMost(config.sendTimeout())
                        .iterator().next().getBoolean("locked");
                if (!locked) {
                    tx.rollback().await().atMost(config.sendTimeout());
                    return 0; // another replica is relaying
                }
                RowSet<Row> rows = conn.preparedQuery(
                                "SELECT seq, id, topic, aggregate_id, type, payload, traceparent FROM outbox_event ORDER BY seq LIMIT $1")
                        .execute(Tuple.of(config.batchSize())).await().atMost(config.sendTimeout());
                if (rows.size() == 0) {
                    tx.commit().await().atMost(config.sendTimeout());
                    lastSuccessAt = System.currentTimeMillis();
                    return 0;
                }
                long start = System.nanoTime();
                List<Long> seqs = new ArrayList<>(rows.size());
                List<Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
                for (Row row : rows) {
                    seqs.add(row.getLong("seq"));
                    acks.add(producer.send(toRecord(row)));
                }
                producer.flush();
                List<Long> done = new ArrayList<>(seqs.size());
                Exception firstFailure = null;
                long deadline = System.currentTimeMillis() + config.sendTimeout().toMillis();
                for (int i = 0; i < acks.size(); i++) {
                    try {
                        acks.get(i).get(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
                        done.add(seqs.get(i));
                    } catch (Exception e) {
                        if (firstFailure == null) {
                            firstFailure = e;
                        }
                    }
                }
                if (!done.isEmpty()) {
                    conn.preparedQuery("DELETE FROM outbox_event WHERE seq = ANY($1)")
                            .execute(Tuple.of(done.toArray(new Long[0]))).await().atMost(config.sendTimeout());
                }
                if (firstFailure != null && done.size() < seqs.size()) {
                    List<Long> failed = new ArrayList<>(seqs);
                    failed.removeAll(done);
                    conn.preparedQuery("UPDATE outbox_event SET attempts = attempts + 1, last_error = $2 WHERE seq = ANY($1)")
                            .execute(Tuple.of(failed.toArray(new Long[0]), String.valueOf(firstFailure.getMessage())))
                            .await().atMost(config.sendTimeout());
                }
                tx.commit().await().atMost(config.sendTimeout());
                published.increment(done.size());
                batchTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                if (firstFailure != null) {
                    throw firstFailure;
                }
                lastSuccessAt = System.currentTimeMillis();
                lastError.set(null);
                return done.size();
            } catch (Exception e) {
                try {
                    tx.rollback().await().atMost(Duration.ofSeconds(2));
                } catch (RuntimeException ignored) {
                    // the connection may be gone; closing it below ends the transaction anyway
                }
                throw e;
            }
        } finally {
            conn.close().await().atMost(Duration.ofSeconds(2));
        }
    }

    private ProducerRecord<String, String> toRecord(Row row) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(EventHeaders.ID, bytes(row.getString("id")));
        headers.add(EventHeaders.TYPE, bytes(row.getString("type")));
        headers.add(EventHeaders.SPEC_VERSION, bytes("1.0"));
        headers.add(EventHeaders.CONTENT_TYPE, bytes("application/cloudevents+json"));
        String traceparent = row.getString("traceparent");
        if (traceparent != null) {
            headers.add(EventHeaders.TRACEPARENT, bytes(traceparent));
        }
        return new ProducerRecord<>(row.getString("topic"), null, row.getString("aggregate_id"), row.getString("payload"), headers);
    }

    private void refreshStats() {
        Row row = pool.query("SELECT count(*) AS n, min(created_at) AS oldest FROM outbox_event").execute()
                .await().atMost(config.sendTimeout()).iterator().next();
        backlog.set(row.getLong("n"));
        OffsetDateTime oldest = row.getOffsetDateTime("oldest");
        oldestAgeMillis.set(oldest == null ? 0 : Math.max(0, System.currentTimeMillis() - oldest.toInstant().toEpochMilli()));
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
