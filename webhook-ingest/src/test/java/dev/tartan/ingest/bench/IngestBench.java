package dev.tartan.ingest.bench;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.JWKSet;
import dev.tartan.infra.InfraProcess;
import dev.tartan.infra.Ports;
import dev.tartan.infra.TopicSetup;
import dev.tartan.ingest.verification.SignatureProviders;
import dev.tartan.ingest.verification.TestSigner;
import dev.tartan.ingest.verification.VerificationKey;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import org.HdrHistogram.Histogram;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The webhook-ingest benchmark (docs/performance.md, section "webhook-ingest"). Run it with
 * {@code webhook-ingest/bench/run.sh}. It starts its own Kafka broker and PostgreSQL (child processes), then:
 * <ol>
 *   <li>(a) the crypto ceiling: ES256 verifications per second in-process (nimbus + the provider), 1 and 2 threads;</li>
 *   <li>calibrates its own HTTP generator against a do-nothing server in this JVM;</li>
 *   <li>for each provider (accp, jdk): starts the packaged ingest jar, warms it up, measures (b) the sustained accepted
 *       rate (closed loop, every answer must be 200 "published", i.e. acknowledged by Kafka with acks=all), then
 *       latency open-loop at half that rate (latency from the intended send time, so queueing counts), and ingest's
 *       own CPU-seconds per 1,000 webhooks from /proc (and the broker's, PostgreSQL's and the generator's); then the
 *       same at the plateau ({@code bench.plateau-concurrency} in flight), with latency at half that rate too.</li>
 * </ol>
 * Requests are signed the way the emulator's {@code WebhookSigner} signs (ES256 JWS, {@code iat},
 * {@code request_body_sha256}) with a P-256 key generated here and handed to ingest as a static JWKS file (the emulator
 * does not export its private key). Settings: -Dbench.warmup=90 -Dbench.measure=30 (seconds), -Dbench.concurrency=64,
 * -Dbench.plateau-concurrency=256 (0: skip the plateau measurement),
 * -Dbench.providers=accp,jdk,
 * -Dbench.ingest.<property>=<value> (passed to the ingest process as -D<property>=<value>).
 */
public final class IngestBench {

    /** The JIT on two cores shared with the load needs 60-80 s: at 60 the closed loop was often still climbing. */
    static final long WARMUP = Long.getLong("bench.warmup", 90);
    static final long MEASURE = Long.getLong("bench.measure", 30);
    /** Seconds of the open loop sent before recording starts. */
    static final long OPEN_LOOP_WARMUP = Long.getLong("bench.open-loop-warmup", 5);
    static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 64);
    /**
     * In flight for the second closed loop. 64 does not find the plateau: with more requests waiting, each Kafka
     * transaction carries more records and costs less per webhook, until the cores are full (docs/performance.md).
     */
    static final int PLATEAU_CONCURRENCY = Integer.getInteger("bench.plateau-concurrency", 256);
    static final TestSigner SIGNER = new TestSigner();

    record Signed(Buffer body, String jwt) {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("ingest-bench");
        Path keys = dir.resolve("keys.json");
        Files.writeString(keys, new JWKSet(SIGNER.key.toPublicJWK()).toString(true));
        StringBuilder report = new StringBuilder();
        report.append(String.format("machine: %d cpus, load average at start %s%n", Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim()));

        // (a) crypto ceiling
        for (String p : List.of("accp", "jdk")) {
            for (int threads : new int[] {1, 2}) {
                double rate = verifyCeiling(p, threads, Math.max(5, MEASURE / 3));
                report.append(String.format("(a) ES256 verify, %-4s %d thread(s): %,.0f verifies/s%n", p, threads, rate));
                System.out.print(report.substring(report.lastIndexOf("(a)")));
            }
        }

        Vertx vertx = Vertx.vertx();
        // generator calibration: a do-nothing server in this JVM
        HttpServer nothing = vertx.createHttpServer().requestHandler(r -> r.body().onComplete(b -> r.response().end("{}")))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get();
        List<Signed> pool = sign(2000);
        closedLoop(vertx, nothing.actualPort(), pool, Math.min(10, WARMUP), false);
        double calib = closedLoop(vertx, nothing.actualPort(), pool, Math.min(10, MEASURE), false)[0];
        report.append(String.format("generator calibration (do-nothing server, %d in flight): %,.0f requests/s%n", CONCURRENCY, calib));
        System.out.println(report.substring(report.lastIndexOf("generator")));
        nothing.close();

        int kafkaPort = Ports.free();
        InfraProcess kafka = InfraProcess.startKafka(dir.resolve("kafka"), kafkaPort, Ports.free());
        int pgPort = Ports.free();
        InfraProcess pg = InfraProcess.startPostgres(dir.resolve("pg"), pgPort, List.of("webhook_ingest"));
        kafka.waitReady(Duration.ofSeconds(120));
        pg.waitReady(Duration.ofSeconds(120));
        TopicSetup.ensureTartanTopics("127.0.0.1:" + kafkaPort, Duration.ofSeconds(60));
        try {
            for (String provider : System.getProperty("bench.providers", "accp,jdk").split(",")) {
                int port = Ports.free();
                InfraProcess ingest = InfraProcess.builder("webhook-ingest-" + provider)
                        .jar(Path.of(System.getProperty("ingest.jar", "webhook-ingest/target/quarkus-app/quarkus-run.jar")).toAbsolutePath())
                        .jvmArgs(ingestJvmArgs())
                        .systemProperty("quarkus.http.port", String.valueOf(port))
                        .systemProperty("kafka.bootstrap.servers", "127.0.0.1:" + kafkaPort)
                        .systemProperty("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + pgPort + "/webhook_ingest")
                        .systemProperty("quarkus.datasource.username", "postgres")
                        .systemProperty("quarkus.datasource.password", "postgres")
                        .systemProperty("quarkus.log.category.\"dev.tartan.ingest\".level", "WARN")
                        .systemProperty("tartan.ingest.instance-id", "bench-" + provider)
                        .systemProperty("tartan.ingest.verification.provider", provider)
                        .systemProperty("tartan.ingest.verification.static-keys-file", keys.toString())
                        .systemProperty("tartan.plaid.token-encryption.active-key-id", "k1")
                        .systemProperty("tartan.plaid.token-encryption.keys.k1", Base64.getEncoder().encodeToString(new byte[32]))
                        // no collector here: a live SDK would only time out exporting (enable with
                        // -Dbench.ingest.quarkus.otel.sdk.disabled=false and a collector on 4317)
                        .systemProperty("quarkus.otel.sdk.disabled",
                                System.getProperty("bench.ingest.quarkus.otel.sdk.disabled", "true"))
                        .jvmArgs(ingestOverrides().stream().filter(a -> !a.startsWith("-Dquarkus.otel.sdk.disabled="))
                                .toList())
                        .port(port)
                        .logFile(dir.resolve("ingest-" + provider + ".log"))
                        .readiness(() -> Ports.listening(port))
                        .start().waitReady(Duration.ofSeconds(120));
                try {
                    Thread.sleep(2000);
                    pool = sign(5000);
                    System.out.printf("[%s] warm-up %d s%n", provider, WARMUP);
                    closedLoop(vertx, port, pool, WARMUP, true);
                    double sustained = sustained(report, vertx, ingest, kafka, port, provider, CONCURRENCY);
                    halfRateLatency(report, vertx, port, provider, sustained);
                    if (PLATEAU_CONCURRENCY > CONCURRENCY) {
                        closedLoop(vertx, port, sign(5000), 10, false, true, PLATEAU_CONCURRENCY); // its connections, bigger transactions
                        double plateau = sustained(report, vertx, ingest, kafka, port, provider, PLATEAU_CONCURRENCY);
                        halfRateLatency(report, vertx, port, provider, plateau);
                    }
                } finally {
                    ingest.stop(Duration.ofSeconds(20));
                }
            }
        } finally {
            kafka.stop(Duration.ofSeconds(20));
            pg.stop(Duration.ofSeconds(20));
            vertx.close();
        }
        report.append(String.format("load average at end %s%n", Files.readString(Path.of("/proc/loadavg")).trim()));
        Path out = Path.of("webhook-ingest/target/bench-report.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, report);
        System.out.println("\n==== webhook-ingest benchmark ====\n" + report + "(written to " + out + ")");
        System.exit(0);
    }

    /** Verifications per second through nimbus with the provider, as ingest does them (no key lookup). */
    static double verifyCeiling(String provider, int threads, long seconds) throws Exception {
        VerificationKey key = SIGNER.verificationKey(SignatureProviders.choose(provider).provider());
        byte[] body = bodyFor("ceiling").getBytes(StandardCharsets.UTF_8);
        String jwt = SIGNER.sign(body);
        LongAdder count = new LongAdder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2 + seconds);
        long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        AtomicLong measured = new AtomicLong();
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    long n = 0;
                    while (System.nanoTime() < end) {
                        JWSObject jws = JWSObject.parse(jwt);
                        if (!jws.verify(key.verifier())) {
                            throw new IllegalStateException("did not verify");
                        }
                        if (System.nanoTime() > measureFrom) {
                            n++;
                        }
                    }
                    measured.addAndGet(n);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (Thread t : ts) {
            t.join();
        }
        count.add(measured.get());
        return count.sum() / (double) seconds;
    }

    static String bodyFor(String itemId) {
        return "{\n  \"webhook_type\": \"TRANSACTIONS\",\n  \"webhook_code\": \"SYNC_UPDATES_AVAILABLE\",\n  \"item_id\": \"" + itemId
                + "\",\n  \"initial_update_complete\": true,\n  \"historical_update_complete\": true,\n  \"environment\": \"production\"\n}";
    }

    static List<Signed> sign(int n) {
        List<Signed> out = new ArrayList<>(n);
        Instant now = Instant.now();
        for (int i = 0; i < n; i++) {
            byte[] body = bodyFor("item-bench-" + i).getBytes(StandardCharsets.UTF_8);
            out.add(new Signed(Buffer.buffer(body), SIGNER.sign(body, now)));
        }
        return out;
    }

    static HttpClient client(Vertx vertx) {
        return client(vertx, CONCURRENCY);
    }

    static HttpClient client(Vertx vertx, int connections) {
        return vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
                new PoolOptions().setHttp1MaxSize(connections));
    }

    static RequestOptions options(int port) {
        return new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/plaid/webhooks")
                .addHeader("Content-Type", "application/json");
    }

    /** (b): the closed loop at {@code concurrency} in flight, with every process's CPU per 1,000 accepted. */
    static double sustained(StringBuilder report, Vertx vertx, InfraProcess ingest, InfraProcess kafka, int port, String provider,
                            int concurrency) throws Exception {
        List<Signed> pool = sign(5000);
        long cpu0 = cpuTicks(ingest.pid());
        long[] others0 = {cpuTicks(kafka.pid()), postgresTicks(), cpuTicks(ProcessHandle.current().pid())};
        System.out.printf("[%s] measuring sustained rate, %d in flight, %d s%n", provider, concurrency, MEASURE);
        double[] max = closedLoop(vertx, port, pool, MEASURE, true, true, concurrency);
        long cpu1 = cpuTicks(ingest.pid());
        long[] others1 = {cpuTicks(kafka.pid()), postgresTicks(), cpuTicks(ProcessHandle.current().pid())};
        double perK = max[0] * MEASURE / 1000;
        double cpuPerK = (cpu1 - cpu0) / 100.0 / perK;
        report.append(String.format("(b) [%s] sustained accepted (200 after Kafka ack, acks=all), %d in flight: %,.0f webhooks/s"
                + " (non-200: %.0f); ingest CPU %.3f s per 1,000 webhooks%n", provider, concurrency, max[0], max[1], cpuPerK));
        // Every process's share: the machine is saturated in the closed loop, so the sum per webhook is what bounds
        // (b) (2 cores / the sum), and it varies less from run to run than the rate.
        double kafkaPerK = (others1[0] - others0[0]) / 100.0 / perK;
        double pgPerK = (others1[1] - others0[1]) / 100.0 / perK;
        double genPerK = (others1[2] - others0[2]) / 100.0 / perK;
        report.append(String.format("    CPU-s per 1,000 accepted: ingest %.3f, broker %.3f, PostgreSQL %.3f, generator %.3f,"
                + " all %.3f%n", cpuPerK, kafkaPerK, pgPerK, genPerK, cpuPerK + kafkaPerK + pgPerK + genPerK));
        System.out.print(report.substring(report.lastIndexOf("(b)")));
        return max[0];
    }

    /** The open loop at half of a sustained rate, then ingest's own view of it. */
    static void halfRateLatency(StringBuilder report, Vertx vertx, int port, String provider, double sustained) throws Exception {
        double half = sustained / 2;
        List<Signed> pool = sign(5000);
        long[] machine0 = machineTicks();
        String lat = openLoop(vertx, port, pool, half, OPEN_LOOP_WARMUP, MEASURE);
        long[] machine1 = machineTicks();
        report.append(String.format("(b) [%s] open loop at %,.0f/s (half): %s%n", provider, half, lat));
        // The same rate can give a p99 of 12 or 49 ms on this VM from one run to the next: how busy the two cores
        // were, and how much of their time the hypervisor gave to someone else (steal), tell an outlier from a change.
        double total = machine1[0] - machine0[0];
        report.append(String.format("    machine during the open loop: busy %.0f %% of %d cores, steal %.1f %%%n",
                100 * (total - (machine1[1] - machine0[1])) / total, Runtime.getRuntime().availableProcessors(),
                100 * (machine1[2] - machine0[2]) / total));
        report.append(serverSide(port));
        System.out.print(report.substring(report.lastIndexOf("(b)")));
    }

    /**
     * utime + stime of every process named {@code postgres}: the server detaches from the launcher (pg_ctl), so its
     * postmaster and backends are not the launcher's descendants. The bench's is the only PostgreSQL it expects to
     * run; another one busy at the same time would be counted too.
     */
    static long postgresTicks() {
        long sum = 0;
        for (ProcessHandle h : ProcessHandle.allProcesses().toList()) {
            try {
                String stat = Files.readString(Path.of("/proc/" + h.pid() + "/stat"));
                if (stat.contains("(postgres)")) {
                    sum += cpuTicks(h.pid());
                }
            } catch (Exception gone) {
                // exited between listing and reading
            }
        }
        return sum;
    }

    /** Closed loop: CONCURRENCY requests always in flight. Returns [accepted per second, non-200 count]; prints per 5 s. */
    static double[] closedLoop(Vertx vertx, int port, List<Signed> pool, long seconds, boolean print) throws Exception {
        return closedLoop(vertx, port, pool, seconds, print, print);
    }

    static double[] closedLoop(Vertx vertx, int port, List<Signed> pool, long seconds, boolean print, boolean requirePublished)
            throws Exception {
        return closedLoop(vertx, port, pool, seconds, print, requirePublished, CONCURRENCY);
    }

    static double[] closedLoop(Vertx vertx, int port, List<Signed> pool, long seconds, boolean print, boolean requirePublished,
                               int concurrency) throws Exception {
        HttpClient client = client(vertx, concurrency);
        RequestOptions base = options(port);
        LongAdder ok = new LongAdder();
        LongAdder bad = new LongAdder();
        AtomicLong next = new AtomicLong();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        CountDownLatch done = new CountDownLatch(concurrency);
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            if (System.nanoTime() > end) {
                done.countDown();
                return;
            }
            Signed s = pool.get((int) (next.getAndIncrement() % pool.size()));
            client.request(new RequestOptions(base).putHeader("Plaid-Verification", s.jwt()))
                    .compose(req -> req.send(s.body()))
                    .compose(resp -> resp.body().map(b -> resp.statusCode() == 200 && (!requirePublished || b.toString().contains("published"))))
                    .onComplete(ar -> {
                        if (ar.succeeded() && ar.result()) {
                            ok.increment();
                        } else {
                            bad.increment();
                        }
                        loop[0].run();
                    });
        };
        for (int i = 0; i < concurrency; i++) {
            vertx.runOnContext(v -> loop[0].run());
        }
        long start = System.nanoTime();
        long lastOk = 0;
        while (!done.await(5, TimeUnit.SECONDS)) {
            long now = ok.sum();
            if (print) {
                System.out.printf("  %5.0f s: %,8.0f /s (non-200 so far %d)%n", (System.nanoTime() - start) / 1e9, (now - lastOk) / 5.0, bad.sum());
            }
            lastOk = now;
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        client.close();
        return new double[] {ok.sum() / elapsed, bad.sum()};
    }

    /**
     * Open loop at {@code rate}; latency from each request's intended send time (coordinated omission accounted for).
     * The first {@code warmupSeconds} are sent but not recorded (the client opens its
     * connections and the closed loop's backlog clears; seen as a one-second burst of 200 ms answers otherwise), then
     * {@code seconds} are recorded.
     */
    static String openLoop(Vertx vertx, int port, List<Signed> pool, double rate, long warmupSeconds, long seconds) throws Exception {
        HttpClient client = client(vertx);
        RequestOptions base = options(port);
        Histogram hist = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
        LongAdder bad = new LongAdder();
        LongAdder inFlight = new LongAdder();
        long start = System.nanoTime();
        long intervalNanos = (long) (1e9 / rate);
        AtomicLong sent = new AtomicLong();
        long skip = (long) (rate * warmupSeconds);
        long total = skip + (long) (rate * seconds);
        // where the tail is in time: per second of intended send time, the slowest answer and how many took > 20 ms
        long[] secondMax = new long[(int) seconds + 1];
        long[] secondSlow = new long[(int) seconds + 1];
        long timer = vertx.setPeriodic(1, id -> {
            long due = Math.min(total, (System.nanoTime() - start) / intervalNanos + 1);
            while (sent.get() < due) {
                long i = sent.getAndIncrement();
                long intended = start + i * intervalNanos;
                Signed s = pool.get((int) (i % pool.size()));
                inFlight.increment();
                client.request(new RequestOptions(base).putHeader("Plaid-Verification", s.jwt()))
                        .compose(req -> req.send(s.body()))
                        .compose(resp -> resp.body().map(b -> resp.statusCode() == 200))
                        .onComplete(ar -> {
                            if (!(ar.succeeded() && ar.result())) {
                                bad.increment(); // warm-up included: every answer must be 200
                            }
                            if (i >= skip) {
                                long micros = (System.nanoTime() - intended) / 1000;
                                synchronized (hist) {
                                    hist.recordValue(Math.min(micros, hist.getHighestTrackableValue()));
                                    int sec = (int) Math.max(0, Math.min(seconds, (intended - start) / 1_000_000_000L - warmupSeconds));
                                    secondMax[sec] = Math.max(secondMax[sec], micros);
                                    if (micros > 20_000) {
                                        secondSlow[sec]++;
                                    }
                                }
                            }
                            inFlight.decrement();
                        });
            }
        });
        while (sent.get() < total) {
            Thread.sleep(100);
        }
        vertx.cancelTimer(timer);
        long waitUntil = System.currentTimeMillis() + 30_000;
        while (inFlight.sum() > 0 && System.currentTimeMillis() < waitUntil) {
            Thread.sleep(50);
        }
        client.close();
        synchronized (hist) {
            StringBuilder slow = new StringBuilder();
            for (int sec = 0; sec < secondMax.length; sec++) {
                if (secondSlow[sec] > 0) {
                    slow.append(String.format(Locale.ROOT, " %ds:%d>20ms(max %.0f)", sec, secondSlow[sec], secondMax[sec] / 1000.0));
                }
            }
            return String.format(Locale.ROOT, "%d requests, p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms, non-200 %d%n"
                            + "    seconds with answers > 20 ms:%s",
                    hist.getTotalCount(), hist.getValueAtPercentile(50) / 1000.0, hist.getValueAtPercentile(99) / 1000.0,
                    hist.getValueAtPercentile(99.9) / 1000.0, hist.getMaxValue() / 1000.0, bad.sum(),
                    slow.length() == 0 ? " none" : slow);
        }
    }

    /**
     * Ingest's own view of the last two minutes (Micrometer's window: the end of the closed loop and the open loop):
     * Kafka transaction time and size, spool write time, acceptance-to-commit latency.
     */
    static String serverSide(int port) {
        try {
            java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            StringBuilder out = new StringBuilder("    ingest's view (last 2 min):");
            for (String line : r.body().split("\n")) {
                if (line.startsWith("tartan_ingest_kafka_transaction") || line.startsWith("tartan_ingest_spool_write")
                        || line.startsWith("tartan_ingest_publish_latency_seconds{")
                        || line.startsWith("tartan_ingest_publish_latency_seconds_max")) {
                    if (line.contains("quantile") || line.contains("_max")) {
                        out.append("\n      ").append(line);
                    }
                }
            }
            return out.append(System.lineSeparator()).toString();
        } catch (Exception e) {
            return "    ingest's view: unavailable (" + e + ")" + System.lineSeparator();
        }
    }

    /** The machine's CPU time from /proc/stat, in clock ticks: total, idle (idle + iowait), steal. */
    static long[] machineTicks() throws Exception {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long total = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) { // user nice system idle iowait irq softirq steal
            total += Long.parseLong(f[i]);
        }
        return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5]), f.length > 8 ? Long.parseLong(f[8]) : 0};
    }

    /** utime + stime of a process, in clock ticks (1/100 s). */
    static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /**
     * The ingest JVM's options: {@code -Xmx512m}, then {@code -Dbench.ingest-jvm-args="..."} (space separated), e.g.
     * {@code -Xlog:gc:file=/tmp/ingest-gc.log} or another collector, to find where the latency tail comes from.
     */
    private static List<String> ingestJvmArgs() {
        List<String> out = new ArrayList<>(List.of("-Xmx512m"));
        String extra = System.getProperty("bench.ingest-jvm-args", "").trim();
        if (!extra.isEmpty()) {
            out.addAll(List.of(extra.split("\\s+")));
        }
        return out;
    }

    /** {@code -Dbench.ingest.<property>=<value>} is handed to the ingest process as {@code -D<property>=<value>}. */
    private static List<String> ingestOverrides() {
        List<String> out = new ArrayList<>();
        for (String name : new java.util.TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (name.startsWith("bench.ingest.")) {
                out.add("-D" + name.substring("bench.ingest.".length()) + "=" + System.getProperty(name));
            }
        }
        return out;
    }
}
