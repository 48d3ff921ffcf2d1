package dev.tartan.system.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.SystemPorts;
import dev.tartan.system.harness.TartanSystem;
import dev.tartan.system.harness.WebhookSigning;

/**
 * The end-to-end benchmark ({@code ./tartan bench e2e}): signed ITEM webhooks POSTed at a fixed rate (open loop:
 * latency from each webhook's intended send time) into webhook-ingest of a whole system started for the run, and the
 * time until the command they cause is on Kafka, read by a plain consumer.
 *
 * <p>How: {@code --items} Items are registered in item-service by publishing {@code item.linked} envelopes (a fake
 * sealed token: nothing calls Plaid for them). Each Item cycles ERROR (ITEM_LOGIN_REQUIRED) → LOGIN_REPAIRED, half a
 * cycle apart, so every ERROR opens a new re-link ({@code relink.requested}) and every LOGIN_REPAIRED closes it
 * ({@code relink.resolved}); the offered rate counts both. Webhooks are signed with the benchmark's own P-256 key,
 * given to ingest as its static key file ({@code tartan.ingest.verification.static-keys-file}); item-service's
 * contradiction check ({@code /item/get} after a recent recovery) is switched off (window 0 s), as are its churn and
 * reconciliation jobs: all three would call Plaid for Items Plaid does not know.
 *
 * <p>Arguments: {@code --rates 1000,1500,2000} (webhooks/s, each after the previous), {@code --warmup 60} (s at the
 * first rate, not measured), {@code --duration 30} (s measured per rate), {@code --items 4000}, {@code --out FILE}.
 */
public final class E2eBench {

    /** Keep-alive connections to ingest: a load balancer's pool, enough for 1,000/s at tens of ms each. */
    static final int CONNECTIONS = Integer.getInteger("tartan.bench.connections", 128);


    public static void main(String[] args) throws Exception {
        Map<String, String> a = parse(args);
        List<Integer> rates = Arrays.stream(a.getOrDefault("rates", "1000").split(",")).map(Integer::parseInt).toList();
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "60"));
        int duration = Integer.parseInt(a.getOrDefault("duration", "30"));
        int items = Integer.parseInt(a.getOrDefault("items", "4000"));
        Path root = TartanSystem.repoRootGuess();

        WebhookSigning signer = new WebhookSigning("bench-" + System.currentTimeMillis());
        Path state = Files.createTempDirectory("tartan-bench-");
        Path keys = state.resolve("bench-keys.json");
        Files.writeString(keys, signer.jwks());

        TartanSystem sys = TartanSystem.builder().repoRoot(root).ports(SystemPorts.BENCH)
                .config(TartanSystem.INGEST, "tartan.ingest.verification.static-keys-file", keys.toString())
                .config(TartanSystem.ITEM, "tartan.item.webhooks.contradiction-window", "0s")
                .config(TartanSystem.ITEM, "tartan.item.churn.enabled", "false")
                .config(TartanSystem.ITEM, "tartan.item.reconcile.enabled", "false")
                .build();
        StringBuilder report = new StringBuilder();
        report.append(calibrate(rates.get(0), 15));
        try (sys) {
            sys.start();
            report.append(startAndMemory(sys, "after start"));
            System.out.print(report);
            List<String> ids = register(sys, items);
            try (EventWatch watch = new EventWatch(sys.kafkaBootstrap(), List.of(Topics.COMMANDS_RELINK))) {
                Load load = new Load(sys, signer, ids, watch);
                report.append(load.idle(15));
                System.out.printf("%nwarm-up: %d s at %d webhooks/s%n", warmup, rates.get(0));
                load.run(rates.get(0), warmup, false);
                for (int rate : rates) {
                    String r = load.run(rate, duration, true);
                    report.append(r);
                }
            }
            report.append(startAndMemory(sys, "after the load"));
        }
        System.out.println("\n==== summary\n" + report);
        if (a.containsKey("out")) {
            Files.writeString(Path.of(a.get("out")), report.toString());
        }
        System.exit(0);
    }

    /**
     * The generator against a do-nothing JDK HTTP server on this machine, same rate, same signing work: what the
     * generator itself adds to the answer latency (BUILD.md: calibrate in the same run).
     */
    static String calibrate(int rate, int seconds) throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
        try {
            WebhookSigning signer = new WebhookSigning();
            LoadClient http = new LoadClient("127.0.0.1", server.getAddress().getPort(), CONNECTIONS);
            Samples answered = new Samples();
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime() + 50_000_000L;
            long cpu0 = ticks(ProcessHandle.current().pid());
            for (long k = 0; k < (long) rate * seconds; k++) {
                long intended = start + k * interval;
                long now;
                while ((now = System.nanoTime()) < intended) {
                    if (intended - now > 200_000) {
                        Thread.sleep(0, (int) Math.min(intended - now - 100_000, 999_999));
                    } else {
                        Thread.onSpinWait();
                    }
                }
                byte[] body = WebhookSigning.itemWebhookBody("ERROR", "calibration", "ITEM_LOGIN_REQUIRED")
                        .getBytes(StandardCharsets.UTF_8);
                http.post("/plaid/webhooks", body, signer.sign(body))
                        .whenComplete((status, ex) -> answered.add(System.nanoTime() - intended));
            }
            Thread.sleep(1000);
            http.close();
            double cores = (ticks(ProcessHandle.current().pid()) - cpu0) / 100.0 / (seconds + 1.0);
            String line = String.format("%ngenerator calibration: %d/s for %d s against a do-nothing server: answered"
                    + " %d, p50 %s p99 %s max %s; generator + server %.2f cores%n", rate, seconds, answered.size(),
                    ms(answered.percentile(0.5)), ms(answered.percentile(0.99)), ms(answered.percentile(1.0)), cores);
            System.out.print(line);
            return line;
        } finally {
            server.stop(0);
        }
    }

    /** Registers {@code n} Items through item.linked and waits until item-service has them all. */
    static List<String> register(TartanSystem sys, int n) throws Exception {
        return register(sys, "bench", n);
    }

    /** As above, Item ids {@code <prefix><n, 32 digits>} (the fault tests use their own prefix). */
    public static List<String> register(TartanSystem sys, String prefix, int n) throws Exception {
        long t0 = System.nanoTime();
        List<String> ids = new ArrayList<>(n);
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sys.kafkaBootstrap());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                String itemId = prefix + String.format("%032d", i);
                ids.add(itemId);
                ItemLinked linked = new ItemLinked(itemId, prefix + "-user-" + i, new InstitutionRef("ins_109508",
                        "First Platypus Bank"), List.of(new LinkedAccount("acc-" + i, "Plaid Checking", "0000",
                        "depository", "checking")), List.of("transactions"), List.of(), List.of(), List.of(),
                        prefix + "-session-" + i, new SealedToken("bench", "bm90LWEtcmVhbC10b2tlbg"), Instant.now());
                EventEnvelope e = EventEnvelope.wrap(EventTypes.ITEM_LINKED, "bench", itemId, linked);
                producer.send(new ProducerRecord<>(Topics.ITEMS_EVENTS, itemId, e.toJson()));
            }
            producer.flush();
        }
        // wait until the last few are visible at item-service
        HttpClient http = HttpClient.newHttpClient();
        String token = sys.operatorToken("bench");
        for (int i = n - 1; i >= Math.max(0, n - 50); i--) {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            while (true) {
                int s = http.send(HttpRequest.newBuilder(URI.create(sys.url(TartanSystem.ITEM) + "items/" + ids.get(i)))
                        .header("Authorization", "Bearer " + token).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (s == 200) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("item-service did not register " + ids.get(i));
                }
                Thread.sleep(200);
            }
        }
        System.out.printf("registered %d Items in item-service in %d ms%n", n, (System.nanoTime() - t0) / 1_000_000);
        awaitConsumed(sys, Topics.ITEMS_EVENTS, Duration.ofMinutes(10));
        Thread.sleep(3000);
        return ids;
    }

    /**
     * Waits until every consumer group has read {@code topic} to its end: identity-service, too, acts on each
     * item.linked (it asks Plaid about the new Item), and a backlog of thousands would otherwise be measured as the
     * system's cost of the webhooks that follow.
     */
    static void awaitConsumed(TartanSystem sys, String topic, Duration timeout) throws Exception {
        long t0 = System.nanoTime();
        Properties p = new Properties();
        p.put(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sys.kafkaBootstrap());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(p)) {
            while (true) {
                var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                        .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
                Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new LinkedHashMap<>();
                partitions.forEach(tp -> latest.put(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()));
                var ends = admin.listOffsets(latest).all().get();
                long lag = 0;
                for (var group : admin.listConsumerGroups().all().get()) {
                    var committed = admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata().get();
                    if (partitions.stream().noneMatch(committed::containsKey)) {
                        continue; // a group that does not read this topic
                    }
                    for (var tp : partitions) {
                        var c = committed.get(tp);
                        lag += ends.get(tp).offset() - (c == null ? 0 : c.offset());
                    }
                }
                if (lag == 0) {
                    System.out.printf("every consumer group has read %s (%d ms)%n", topic, (System.nanoTime() - t0) / 1_000_000);
                    return;
                }
                if (System.nanoTime() - t0 > timeout.toNanos()) {
                    System.out.printf("consumers still %d records behind on %s after %s; measuring anyway%n", lag, topic, timeout);
                    return;
                }
                Thread.sleep(1000);
            }
        }
    }

    /** Open-loop load: one scheduler thread, async sends, latency from the intended send time. */
    static final class Load {
        private final TartanSystem sys;
        private final WebhookSigning signer;
        private final List<String> ids;
        private final LoadClient http;
        private final String path;
        /** per Item: intended send time (nanos) of its pending ERROR / LOGIN_REPAIRED, 0 when none */
        private final AtomicLongArray pendingError;
        private final AtomicLongArray pendingRepair;
        private final Map<String, Integer> index = new ConcurrentHashMap<>();
        private final long[] phase;
        private int cursor;

        private volatile Recorder recorder;

        Load(TartanSystem sys, WebhookSigning signer, List<String> ids, EventWatch watch) {
            this.sys = sys;
            this.signer = signer;
            this.ids = ids;
            URI url = URI.create(sys.ports().webhookUrl());
            this.http = new LoadClient(url.getHost(), url.getPort(), CONNECTIONS);
            this.path = url.getRawPath();
            this.pendingError = new AtomicLongArray(ids.size());
            this.pendingRepair = new AtomicLongArray(ids.size());
            this.phase = new long[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                index.put(ids.get(i), i);
            }
            watch.onRecord(s -> {
                Integer i = index.get(s.key());
                Recorder r = recorder;
                if (i == null || r == null) {
                    return;
                }
                if (s.is(EventTypes.RELINK_REQUESTED)) {
                    long t = pendingError.getAndSet(i, 0);
                    if (t != 0) {
                        r.requested.add(s.receivedNanos() - t);
                    }
                } else if (s.is(EventTypes.RELINK_RESOLVED)) {
                    long t = pendingRepair.getAndSet(i, 0);
                    if (t != 0) {
                        r.resolved.add(s.receivedNanos() - t);
                    }
                }
            });
        }

        /** Runs {@code rate} webhooks/s for {@code seconds}; returns the report line when {@code measure}. */
        String run(int rate, int seconds, boolean measure) throws Exception {
            Recorder r = new Recorder();
            recorder = r;
            Map<String, long[]> cpu0 = cpu();
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime() + 50_000_000L;
            long total = (long) rate * seconds;
            AtomicLong non200 = new AtomicLong();
            AtomicLong sent = new AtomicLong();
            long lastPrint = start;
            int lastReq = 0;
            for (long k = 0; k < total; k++) {
                long intended = start + k * interval;
                long now;
                while ((now = System.nanoTime()) < intended) {
                    long wait = intended - now;
                    if (wait > 200_000) {
                        Thread.sleep(0, (int) Math.min(wait - 100_000, 999_999));
                    } else {
                        Thread.onSpinWait();
                    }
                }
                int i = cursor;
                cursor = (cursor + 1) % ids.size();
                boolean error = phase[i] % 2 == 0;
                phase[i]++;
                String itemId = ids.get(i);
                byte[] body = (error ? WebhookSigning.itemWebhookBody("ERROR", itemId, "ITEM_LOGIN_REQUIRED")
                        : WebhookSigning.itemWebhookBody("LOGIN_REPAIRED", itemId, null)).getBytes(StandardCharsets.UTF_8);
                (error ? pendingError : pendingRepair).set(i, intended);
                http.post(path, body, signer.sign(body)).whenComplete((status, ex) -> {
                    sent.incrementAndGet();
                    r.answered.add(System.nanoTime() - intended);
                    if (ex != null || status != 200) {
                        non200.incrementAndGet();
                    }
                });
                if (now - lastPrint > 5_000_000_000L) {
                    int req2 = r.requested.size();
                    System.out.printf("  %5.1f s  offered %d/s  answered %d  relink.requested %d (+%d/s)  p99 so far %s%n",
                            (now - start) / 1e9, rate, sent.get(), req2, (req2 - lastReq) / 5,
                            ms(r.requested.percentile(0.99)));
                    lastReq = req2;
                    lastPrint = now;
                }
            }
            Thread.sleep(3000); // let the tail arrive
            recorder = null;
            if (!measure) {
                return "";
            }
            Map<String, long[]> cpu1 = cpu();
            double wall = seconds + 3.0;
            StringBuilder sb = new StringBuilder();
            sb.append(String.format("%nrate %d webhooks/s for %d s (%d ERROR + %d LOGIN_REPAIRED): answered %d, non-200 %d%n",
                    rate, seconds, total / 2, total / 2, sent.get(), non200.get()));
            sb.append(String.format("  POST -> HTTP answer from ingest:    n=%d p50 %s p90 %s p99 %s max %s%n",
                    r.answered.size(), ms(r.answered.percentile(0.5)), ms(r.answered.percentile(0.9)),
                    ms(r.answered.percentile(0.99)), ms(r.answered.percentile(1.0))));
            sb.append(String.format("  POST -> relink.requested on Kafka: n=%d p50 %s p90 %s p99 %s max %s%n",
                    r.requested.size(), ms(r.requested.percentile(0.5)), ms(r.requested.percentile(0.9)),
                    ms(r.requested.percentile(0.99)), ms(r.requested.percentile(1.0))));
            sb.append(String.format("  POST -> relink.resolved on Kafka:  n=%d p50 %s p90 %s p99 %s max %s%n",
                    r.resolved.size(), ms(r.resolved.percentile(0.5)), ms(r.resolved.percentile(0.9)),
                    ms(r.resolved.percentile(0.99)), ms(r.resolved.percentile(1.0))));
            sb.append("  CPU (cores, averaged over the run):");
            cpu1.forEach((name, v) -> {
                long[] b = cpu0.get(name);
                if (b != null) {
                    sb.append(String.format(" %s %.2f", name, (v[0] - b[0]) / 100.0 / wall));
                }
            });
            sb.append('\n');
            System.out.print(sb);
            return sb.toString();
        }

        /** The system's own cost with no webhooks: what every rate below pays before the first webhook. */
        String idle(int seconds) throws InterruptedException {
            Map<String, long[]> c0 = cpu();
            Thread.sleep(seconds * 1000L);
            Map<String, long[]> c1 = cpu();
            StringBuilder sb = new StringBuilder(String.format("%nidle %d s (Items registered, no webhooks), CPU (cores):", seconds));
            c1.forEach((name, v) -> {
                long[] b = c0.get(name);
                if (b != null) {
                    sb.append(String.format(" %s %.2f", name, (v[0] - b[0]) / 100.0 / seconds));
                }
            });
            sb.append('\n');
            System.out.print(sb);
            return sb.toString();
        }

        /** utime+stime ticks per process (and this JVM: the load generator). */
        private Map<String, long[]> cpu() {
            Map<String, long[]> m = new LinkedHashMap<>();
            Map<String, Long> pids = new LinkedHashMap<>(sys.pids());
            pids.put("generator", ProcessHandle.current().pid());
            pids.forEach((name, pid) -> m.put(name, new long[] {ticks(pid)}));
            // the "postgres" pid is the launcher JVM; the server is the postmaster pg_ctl detached, and its backends
            // (a backend that exits between two samples takes its ticks with it: pooled connections mostly live on)
            dev.tartan.infra.Postmaster.of(sys.stateDir().resolve("postgres").resolve("data")).ifPresent(h ->
                    m.put("postgres-server", new long[] {ticks(h.pid()) + h.descendants().mapToLong(d -> ticks(d.pid())).sum()}));
            return m;
        }
    }

    static final class Recorder {
        final Samples requested = new Samples();
        final Samples resolved = new Samples();
        final Samples answered = new Samples();
    }

    static final class Samples {
        private long[] v = new long[1 << 16];
        private int n;

        synchronized void add(long nanos) {
            if (n == v.length) {
                v = Arrays.copyOf(v, n * 2);
            }
            v[n++] = nanos;
        }

        synchronized int size() {
            return n;
        }

        synchronized long percentile(double q) {
            if (n == 0) {
                return -1;
            }
            long[] c = Arrays.copyOf(v, n);
            Arrays.sort(c);
            return c[Math.min(n - 1, (int) Math.ceil(q * n) - 1 < 0 ? 0 : (int) Math.ceil(q * n) - 1)];
        }
    }

    static String ms(long nanos) {
        return nanos < 0 ? "-" : String.format("%.1f ms", nanos / 1e6);
    }

    static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }

    static long rssKb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (Exception e) {
            // gone
        }
        return -1;
    }

    /** Start time (launch to first ready) and resident memory of each process. */
    static String startAndMemory(TartanSystem sys, String when) {
        StringBuilder sb = new StringBuilder(String.format("%nprocesses %s: name, start (launch -> /q/health/ready 200), RSS%n", when));
        Map<String, Long> start = sys.startMillis();
        sys.pids().forEach((name, pid) -> sb.append(String.format("  %-17s %8s  %6d MiB%n", name,
                start.get(name) == null ? "-" : start.get(name) + " ms", rssKb(pid) / 1024)));
        return sb.toString();
    }

    static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].startsWith("--")) {
                String k = args[i].substring(2);
                String v = i + 1 < args.length && !args[i + 1].startsWith("--") ? args[++i] : "true";
                m.put(k, v);
            }
        }
        return m;
    }
}
