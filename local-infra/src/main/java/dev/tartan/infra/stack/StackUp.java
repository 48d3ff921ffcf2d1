package dev.tartan.infra.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import dev.tartan.infra.DevJwt;
import dev.tartan.infra.InfraProcess;
import dev.tartan.infra.Ports;
import dev.tartan.infra.TopicSetup;
import dev.tartan.infra.stack.StackLayout.App;

/**
 * {@code ./tartan up}: PostgreSQL and Kafka, the topics, the Plaid emulator, then the five services, each its own
 * JVM in its own session; waits until every {@code /q/health/ready} answers 200, prints where everything is and stays
 * in the foreground. SIGINT/SIGTERM stops services first, then the emulator, Kafka, and PostgreSQL last.
 */
final class StackUp {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final StackFiles files;
    private final boolean allowMissing;
    private final boolean infraOnly;
    private final Duration timeout;
    private final List<String> appJvmArgs;
    private final Map<String, InfraProcess> running = new LinkedHashMap<>();
    private final Properties run = new Properties();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean stopping;

    StackUp(StackFiles files, boolean allowMissing, boolean infraOnly, Duration timeout) {
        this.files = files;
        this.allowMissing = allowMissing;
        this.infraOnly = infraOnly;
        this.timeout = timeout;
        String opts = System.getenv("TARTAN_APP_JAVA_OPTS");
        this.appJvmArgs = opts == null || opts.isBlank()
                ? List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC")
                : Arrays.asList(opts.trim().split("\\s+"));
    }

    int up() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(files.run());
        Files.deleteIfExists(files.readyMarker());
        Files.deleteIfExists(files.failedMarker());
        Files.deleteIfExists(files.summary());

        String already = alreadyRunning();
        if (already != null) {
            return fail(already);
        }

        List<App> apps = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (App app : infraOnly ? List.<App>of() : StackLayout.APPS) {
            if (Files.isRegularFile(app.jar(files.root()))) {
                apps.add(app);
            } else {
                missing.add(app.name() + " (" + files.root().relativize(app.jar(files.root())) + ")");
            }
        }
        if (!missing.isEmpty()) {
            String msg = "not built: " + String.join(", ", missing);
            if (!allowMissing) {
                return fail(msg + "\n  Build them (./mvnw -B -DskipTests install), or start without them:"
                        + " ./tartan up --allow-missing");
            }
            System.out.println("WARNING: " + msg + " -- starting without them (--allow-missing)");
        }

        List<String> busy = new ArrayList<>();
        checkPort(busy, "kafka", StackLayout.KAFKA_PORT);
        checkPort(busy, "kafka controller", StackLayout.KAFKA_CONTROLLER_PORT);
        checkPort(busy, "postgres", StackLayout.POSTGRES_PORT);
        apps.forEach(a -> checkPort(busy, a.name(), a.port()));
        if (!busy.isEmpty()) {
            return fail("port(s) already in use: " + String.join(", ", busy)
                    + "\n  Another stack or program holds them (./tartan status; ss -ltnp).");
        }

        Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "tartan-stack-stop"));
        run.setProperty("stack.pid", Long.toString(ProcessHandle.current().pid()));
        run.setProperty("stack.root", files.root().toString());
        files.writeRun(run);

        Secrets secrets = secrets();

        // ---- infrastructure: both at once
        long tInfra = System.nanoTime();
        InfraProcess pg = InfraProcess.postgres(files.data("postgres"), StackLayout.POSTGRES_PORT,
                StackLayout.databases(), files.log("postgres"), true).newSession(true).start();
        register("postgres", pg, "infra");
        InfraProcess kafka = InfraProcess.kafka(files.data("kafka"), StackLayout.KAFKA_PORT,
                StackLayout.KAFKA_CONTROLLER_PORT, files.log("kafka"), true).newSession(true).start();
        register("kafka", kafka, "infra");
        try {
            pg.waitReady(Duration.ofSeconds(120));
            System.out.printf("postgres  ready on 127.0.0.1:%d in %d ms (%s)%n", StackLayout.POSTGRES_PORT,
                    ms(tInfra), readyLine(files.data("postgres")));
            kafka.waitReady(Duration.ofSeconds(120));
            System.out.printf("kafka     ready on 127.0.0.1:%d in %d ms (%s)%n", StackLayout.KAFKA_PORT, ms(tInfra),
                    readyLine(files.data("kafka")));
        } catch (IllegalStateException e) {
            return fail(e.getMessage());
        }
        String bootstrap = "127.0.0.1:" + StackLayout.KAFKA_PORT;
        List<String> created = TopicSetup.ensureTartanTopics(bootstrap, Duration.ofSeconds(60));
        System.out.printf("topics    %d present, %d created%n", TopicSetup.tartanTopics().size(), created.size());

        // ---- the emulator, then the services (all at once: they only need Kafka and PostgreSQL to be ready)
        for (App app : apps) {
            if (!app.service()) {
                start(app, secrets, bootstrap);
            }
        }
        for (App app : apps) {
            if (app.service()) {
                start(app, secrets, bootstrap);
            }
        }
        String failure = awaitHealthy(apps);
        if (failure != null) {
            return fail(failure);
        }

        String summary = summary(apps, missing, ms(t0));
        Files.writeString(files.summary(), summary);
        Files.writeString(files.readyMarker(), Long.toString(ProcessHandle.current().pid()));
        System.out.println(summary);
        System.out.flush();

        watchForCrashes();
        stopped.await();
        return 0;
    }

    private void start(App app, Secrets secrets, String bootstrap) throws IOException {
        InfraProcess.Builder b = InfraProcess.builder(app.name())
                .jar(stage(app))
                .jvmArgs(appJvmArgs)
                .port(app.port())
                .logFile(files.log(app.name()))
                .workingDir(files.root())
                .newSession(true)
                .readiness(() -> healthStatus(app) == 200);
        config(app, secrets, bootstrap).forEach(b::systemProperty);
        register(app.name(), b.start(), app.service() ? "service" : "emulator");
    }

    /**
     * A hard-linked snapshot of the application's {@code target/quarkus-app} in {@code .tartan/apps/<name>/}: a
     * rebuild or {@code mvn clean} while the stack runs replaces or deletes the files in {@code target/}, never the
     * ones the running JVM reads. Costs no space (links; a copy where links are impossible).
     */
    private Path stage(App app) throws IOException {
        Path source = app.jar(files.root()).getParent();
        Path apps = files.state().resolve("apps");
        Path target = apps.resolve(app.name());
        Path tmp = apps.resolve(app.name() + ".staging");
        deleteTree(tmp);
        Files.createDirectories(tmp);
        try (var walk = Files.walk(source)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path dest = tmp.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    try {
                        Files.createLink(dest, p);
                    } catch (IOException | UnsupportedOperationException e) {
                        Files.copy(p, dest);
                    }
                }
            }
        }
        deleteTree(target);
        Files.move(tmp, target);
        return target.resolve("quarkus-run.jar");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The dev configuration of one application, passed as system properties (they win over application.properties). */
    static Map<String, String> config(App app, Secrets secrets, String bootstrap) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("quarkus.http.port", Integer.toString(app.port()));
        c.put("quarkus.http.host", System.getenv().getOrDefault("TARTAN_BIND_HOST", "127.0.0.1"));
        if (!app.service()) {
            c.put("tartan.emulator.webhook.default-url", StackLayout.WEBHOOK_URL);
            return c;
        }
        c.put("kafka.bootstrap.servers", bootstrap);
        String hostPort = "127.0.0.1:" + StackLayout.POSTGRES_PORT + "/" + app.database();
        c.put("quarkus.datasource.reactive.url", "postgresql://" + hostPort);
        c.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://" + hostPort);
        c.put("quarkus.datasource.username", StackLayout.POSTGRES_USER);
        c.put("quarkus.datasource.password", StackLayout.POSTGRES_PASSWORD);
        c.put("tartan.plaid.base-url", StackLayout.EMULATOR.url());
        c.put("tartan.plaid.client-id", StackLayout.PLAID_CLIENT_ID);
        c.put("tartan.plaid.secret", StackLayout.PLAID_SECRET);
        c.put("tartan.plaid.environment", "sandbox");
        c.put("tartan.plaid.token-encryption.active-key-id", StackLayout.TOKEN_KEY_ID);
        c.put("tartan.plaid.token-encryption.keys." + StackLayout.TOKEN_KEY_ID, secrets.tokenKey());
        c.put("mp.jwt.verify.publickey.location", secrets.jwtPublicKey().toString());
        c.put("mp.jwt.verify.issuer", DevJwt.ISSUER);
        if (System.getenv("OTEL_EXPORTER_OTLP_ENDPOINT") == null) {
            // no collector on a laptop: without this every service logs a failed span export every few seconds
            c.put("quarkus.otel.sdk.disabled", "true");
        }
        return c;
    }

    record Secrets(String tokenKey, Path jwtPublicKey) {
    }

    /** The dev token-encryption key and JWT keys in .tartan/secrets/, generated on the first run. */
    private Secrets secrets() throws IOException {
        Path dir = files.secrets();
        Files.createDirectories(dir);
        Path keyFile = dir.resolve("token-encryption-" + StackLayout.TOKEN_KEY_ID + ".key");
        if (!Files.exists(keyFile)) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            writeOwnerOnly(keyFile, Base64.getEncoder().encodeToString(key) + "\n");
        }
        DevJwt.loadOrCreate(dir);
        return new Secrets(Files.readString(keyFile).trim(), dir.resolve(DevJwt.PUBLIC_KEY_FILE).toAbsolutePath());
    }

    static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.writeString(file, content);
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX
        }
    }

    private String awaitHealthy(List<App> apps) throws InterruptedException {
        long tApps = System.nanoTime();
        long deadline = tApps + timeout.toNanos();
        List<App> waiting = new ArrayList<>(apps);
        while (!waiting.isEmpty()) {
            for (var it = waiting.iterator(); it.hasNext();) {
                App app = it.next();
                InfraProcess p = running.get(app.name());
                if (!p.isAlive()) {
                    return app.name() + " exited with code " + p.process().exitValue() + " before it was ready."
                            + "\n  Last lines of " + rel(p.logFile()) + ":\n" + indent(p.logTail(40));
                }
                if (healthStatus(app) == 200) {
                    System.out.printf("%-17s ready on %s in %d ms%n", app.name(), app.url(), ms(tApps));
                    it.remove();
                }
            }
            if (System.nanoTime() > deadline) {
                StringBuilder sb = new StringBuilder("not ready within " + timeout.toSeconds() + " s (timeout):");
                for (App app : waiting) {
                    InfraProcess p = running.get(app.name());
                    int status = healthStatus(app);
                    sb.append("\n  ").append(app.name()).append(": GET ").append(app.url()).append("q/health/ready -> ")
                            .append(status < 0 ? "no answer" : status + " " + healthBody(app))
                            .append("\n  Last lines of ").append(rel(p.logFile())).append(":\n")
                            .append(indent(p.logTail(40)));
                }
                return sb.toString();
            }
            Thread.sleep(250);
        }
        return null;
    }

    static int healthStatus(App app) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(app.url() + "q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String healthBody(App app) {
        try {
            String body = HTTP.send(HttpRequest.newBuilder(URI.create(app.url() + "q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            return body.replaceAll("\\s+", " ");
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private void register(String name, InfraProcess p, String kind) {
        synchronized (running) {
            running.put(name, p);
            run.setProperty(name + ".pid", Long.toString(p.pid()));
            run.setProperty(name + ".port", Integer.toString(p.port()));
            run.setProperty(name + ".kind", kind);
            run.setProperty(name + ".log", p.logFile().toString());
            files.writeRun(run);
        }
    }

    /** A component that dies while the stack runs is reported (with its log tail), the rest keeps running. */
    private void watchForCrashes() {
        running.forEach((name, p) -> p.process().onExit().thenRun(() -> {
            if (!stopping) {
                System.out.printf("%nWARNING: %s (pid %d) exited with code %d. Last lines of %s:%n%s%n", name, p.pid(),
                        p.process().exitValue(), rel(p.logFile()), indent(p.logTail(20)));
            }
        }));
    }

    /** Services first (together), then the emulator, Kafka, and PostgreSQL last. */
    private void stopAll() {
        if (stopping) {
            return;
        }
        stopping = true;
        List<InfraProcess> services = new ArrayList<>();
        List<InfraProcess> emulator = new ArrayList<>();
        synchronized (running) {
            running.forEach((name, p) -> {
                String kind = run.getProperty(name + ".kind");
                if ("service".equals(kind)) {
                    services.add(p);
                } else if ("emulator".equals(kind)) {
                    emulator.add(p);
                }
            });
        }
        if (!running.isEmpty()) {
            System.out.println("\nstopping the local stack...");
        }
        stopGroup("services", services);
        stopGroup("plaid-emulator", emulator);
        InfraProcess kafka = running.get("kafka");
        if (kafka != null) {
            stopGroup("kafka", List.of(kafka));
        }
        InfraProcess pg = running.get("postgres");
        if (pg != null) {
            stopGroup("postgres", List.of(pg));
        }
        try {
            Files.deleteIfExists(files.readyMarker());
            Files.deleteIfExists(files.runProperties());
            Files.deleteIfExists(files.summary());
        } catch (IOException e) {
            // nothing to do
        }
        if (!running.isEmpty()) {
            System.out.println("stopped.");
        }
        stopped.countDown();
    }

    private static void stopGroup(String what, List<InfraProcess> group) {
        if (group.isEmpty()) {
            return;
        }
        long t = System.nanoTime();
        CompletableFuture.allOf(group.stream()
                .map(p -> CompletableFuture.runAsync(() -> p.stop(Duration.ofSeconds(30))))
                .toArray(CompletableFuture[]::new)).join();
        System.out.printf("  %s stopped (%d ms)%n", what, ms(t));
    }

    private int fail(String message) {
        System.err.println("ERROR: " + message);
        try {
            Files.createDirectories(files.run());
            Files.writeString(files.failedMarker(), message + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        stopAll();
        return 1;
    }

    private String alreadyRunning() {
        Properties p = files.readRun();
        String pid = p.getProperty("stack.pid");
        if (pid != null && ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)
                && Long.parseLong(pid) != ProcessHandle.current().pid()) {
            return "a local stack is already running (pid " + pid + "): ./tartan status, ./tartan stop";
        }
        return null;
    }

    private static void checkPort(List<String> busy, String name, int port) {
        if (Ports.listening(port)) {
            busy.add(port + " (" + name + ")");
        }
    }

    private String summary(List<App> apps, List<String> missing, long totalMs) {
        StringBuilder sb = new StringBuilder();
        sb.append("\nTartan local stack is up (").append(totalMs / 1000.0).append(" s). State: ")
                .append(rel(files.state())).append("/\n\n");
        sb.append(String.format("  %-17s %-7s %s%n", "component", "pid", "where"));
        sb.append(String.format("  %-17s %-7s %s%n", "kafka", running.get("kafka").pid(),
                "bootstrap 127.0.0.1:" + StackLayout.KAFKA_PORT));
        sb.append(String.format("  %-17s %-7s %s%n", "postgres", running.get("postgres").pid(),
                "jdbc:postgresql://127.0.0.1:" + StackLayout.POSTGRES_PORT + "/<db>  user " + StackLayout.POSTGRES_USER
                        + "  dbs " + String.join(", ", StackLayout.databases())));
        for (App app : apps) {
            sb.append(String.format("  %-17s %-7s %s%n", app.name(), running.get(app.name()).pid(), app.url()));
            if (app.service()) {
                sb.append(String.format("  %-17s %-7s swagger %sq/swagger-ui  health %sq/health  metrics %sq/metrics%n",
                        "", "", app.url(), app.url(), app.url()));
            } else {
                sb.append(String.format("  %-17s %-7s control API %semulator/...  health %sq/health%n", "", "",
                        app.url(), app.url()));
            }
        }
        for (String m : missing) {
            sb.append(String.format("  %-17s %-7s %s%n", m.substring(0, m.indexOf(' ')), "-", "NOT BUILT, not started"));
        }
        sb.append("\nTopics (").append(TopicSetup.tartanTopics().size()).append("): ");
        sb.append(String.join(", ", TopicSetup.tartanTopics().keySet())).append("\n");
        sb.append("\nTests against this stack: export TARTAN_TEST_KAFKA_BOOTSTRAP=127.0.0.1:").append(StackLayout.KAFKA_PORT)
                .append(" TARTAN_TEST_PG_URL=jdbc:postgresql://127.0.0.1:").append(StackLayout.POSTGRES_PORT)
                .append("/postgres\n");
        sb.append("Dev JWT for curl: TOKEN=$(./tartan token app)   # or: ./tartan token operator\n");
        sb.append("Logs: ").append(rel(files.state().resolve("logs"))).append("/<component>.log   Status: ./tartan status\n");
        sb.append("Ctrl-C stops everything (or ./tartan stop from another terminal).\n");
        return sb.toString();
    }

    private String rel(Path p) {
        try {
            return files.root().relativize(p.toAbsolutePath()).toString();
        } catch (IllegalArgumentException e) {
            return p.toString();
        }
    }

    private static String readyLine(Path dir) {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("ready"));
            return lines.size() > 1 ? lines.get(1) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static String indent(String text) {
        return "    | " + text.replace("\n", "\n    | ");
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
