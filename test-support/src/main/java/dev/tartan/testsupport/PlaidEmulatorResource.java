package dev.tartan.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.tartan.infra.InfraProcess;
import dev.tartan.infra.Ports;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * The Plaid emulator for a {@code @QuarkusTest}: launched once per test JVM as a child process from
 * {@code ${tartan.repo.root}/plaid-emulator/target/quarkus-app/quarkus-run.jar} on a free port (or reused from
 * {@code TARTAN_TEST_EMULATOR_URL} / {@code -Dtartan.test.emulator.url}), stopped at JVM exit.
 *
 * <pre>{@code
 * @QuarkusTest
 * @WithTestResource(TartanInfraResource.class)
 * @WithTestResource(PlaidEmulatorResource.class)
 * class LinkFlowTest {
 *     EmulatorClient emulator = PlaidEmulatorResource.client();
 * }
 * }</pre>
 *
 * Returns {@code tartan.plaid.base-url}, {@code client-id}/{@code secret} ({@code tartan-dev-client} /
 * {@code tartan-dev-secret}), {@code environment=sandbox} and a token-encryption key generated per test JVM
 * ({@code active-key-id=test-key-1}). The emulator runs with {@code tartan.emulator.webhook.retry-base-interval=1s};
 * init arg {@code webhook-url} (or {@code -Dtartan.test.emulator.webhook-url}) sets
 * {@code tartan.emulator.webhook.default-url} (only when this JVM starts the emulator; tests that know their port at
 * run time set it through the control API instead).
 */
public class PlaidEmulatorResource implements QuarkusTestResourceLifecycleManager {

    public static final String WEBHOOK_URL_ARG = "webhook-url";
    public static final String CLIENT_ID = "tartan-dev-client";
    public static final String SECRET = "tartan-dev-secret";
    public static final String TOKEN_KEY_ID = "test-key-1";
    static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private static volatile InfraProcess process;
    private String webhookUrl;

    @Override
    public void init(Map<String, String> initArgs) {
        webhookUrl = initArgs.get(WEBHOOK_URL_ARG);
    }

    @Override
    public Map<String, String> start() {
        String url = ensureStarted(webhookUrl);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("tartan.plaid.base-url", url);
        config.put("tartan.plaid.client-id", CLIENT_ID);
        config.put("tartan.plaid.secret", SECRET);
        config.put("tartan.plaid.environment", "sandbox");
        config.put("tartan.plaid.token-encryption.active-key-id", TOKEN_KEY_ID);
        config.put("tartan.plaid.token-encryption.keys." + TOKEN_KEY_ID, tokenEncryptionKey());
        return config;
    }

    @Override
    public void stop() {
        // one emulator per test JVM: the next test class reuses it (call client().reset() between tests)
    }

    /** A client of this JVM's emulator (started if needed). */
    public static EmulatorClient client() {
        return new EmulatorClient(ensureStarted(null));
    }

    /** The emulator's base URL ({@code http://127.0.0.1:<port>/}), starting it if needed. */
    public static String baseUrl() {
        return ensureStarted(null);
    }

    /** The base64 AES-256 key of {@value #TOKEN_KEY_ID}: the same for the whole test JVM. */
    public static String tokenEncryptionKey() {
        synchronized (Registry.LOCK) {
            String key = System.getProperty(Registry.TOKEN_KEY);
            if (key == null) {
                byte[] bytes = new byte[32];
                new SecureRandom().nextBytes(bytes);
                key = Base64.getEncoder().encodeToString(bytes);
                System.setProperty(Registry.TOKEN_KEY, key);
            }
            return key;
        }
    }

    static String ensureStarted(String webhookUrl) {
        String existing = Registry.setting(Registry.EMULATOR_URL);
        if (existing != null) {
            return existing.endsWith("/") ? existing : existing + "/";
        }
        synchronized (Registry.LOCK) {
            existing = System.getProperty(Registry.EMULATOR_URL);
            if (existing != null) {
                return existing;
            }
            Path jar = emulatorJar();
            int port = Ports.free();
            String hook = webhookUrl != null ? webhookUrl : Registry.setting("tartan.test.emulator.webhook-url");
            long t0 = System.nanoTime();
            InfraProcess p = launch(jar, port, hook, TartanInfra.stateDir().resolve("plaid-emulator.log"));
            String url = "http://127.0.0.1:" + port + "/";
            process = p;
            Runtime.getRuntime().addShutdownHook(new Thread(p::stop, "tartan-test-emulator-shutdown"));
            System.setProperty(Registry.EMULATOR_URL, url);
            System.out.printf("tartan test infra: plaid emulator %s (pid %d) ready in %d ms%n", url, p.pid(),
                    (System.nanoTime() - t0) / 1_000_000);
            return url;
        }
    }

    /** Starts the emulator jar on {@code port} and waits for {@code /q/health/ready}. */
    static InfraProcess launch(Path jar, int port, String webhookUrl, Path logFile) {
        String url = "http://127.0.0.1:" + port + "/";
        InfraProcess.Builder b = InfraProcess.builder("plaid-emulator")
                .jar(jar)
                .jvmArgs(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                .systemProperty("quarkus.http.port", Integer.toString(port))
                .systemProperty("quarkus.http.host", "127.0.0.1")
                .systemProperty("tartan.emulator.webhook.retry-base-interval", "1s")
                .port(port)
                .logFile(logFile)
                .readiness(() -> ready(url));
        if (webhookUrl != null) {
            b.systemProperty("tartan.emulator.webhook.default-url", webhookUrl);
        }
        return b.start().waitReady(START_TIMEOUT);
    }

    /** The emulator's runnable jar, or an error that says how to build it. */
    static Path emulatorJar() {
        String root = System.getProperty("tartan.repo.root");
        Path base = root != null ? Path.of(root) : repoRootFromWorkingDirectory();
        Path jar = base.resolve("plaid-emulator/target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("The Plaid emulator is not built: " + jar + " is missing. Build it first:"
                    + " `./mvnw -B -pl plaid-emulator -am package -DskipTests` (or set TARTAN_TEST_EMULATOR_URL to a"
                    + " running emulator)." + (root == null ? " (tartan.repo.root is not set; the root pom's Surefire"
                    + " configuration sets it)" : ""));
        }
        return jar;
    }

    /** Without {@code tartan.repo.root} (an IDE run): the nearest folder upwards that holds the emulator module. */
    static Path repoRootFromWorkingDirectory() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("plaid-emulator")) && Files.exists(d.resolve("mvnw"))) {
                return d;
            }
        }
        return dir;
    }

    private static final HttpClient HEALTH = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private static boolean ready(String baseUrl) {
        try {
            HttpResponse<Void> r = HEALTH.send(HttpRequest.newBuilder(URI.create(baseUrl + "q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** The emulator process if this JVM started it (null otherwise). */
    static InfraProcess process() {
        return process;
    }
}
