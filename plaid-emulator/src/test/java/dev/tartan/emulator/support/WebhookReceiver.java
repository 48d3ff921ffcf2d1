package dev.tartan.emulator.support;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A tiny webhook receiver on a free loopback port (JDK HttpServer). Records the raw bytes and the
 * {@code Plaid-Verification} header of every POST; answers 200 unless statuses were queued with {@link #answer}.
 */
public final class WebhookReceiver implements AutoCloseable {
    /** One received request. */
    public record Received(byte[] body, String verification, String path, Instant at) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedDeque<Integer> answers = new ConcurrentLinkedDeque<>();
    private volatile int defaultStatus = 200;

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            received.add(new Received(body, exchange.getRequestHeaders().getFirst("Plaid-Verification"),
                    exchange.getRequestURI().getPath(), Instant.now()));
            Integer status = answers.pollFirst();
            exchange.sendResponseHeaders(status == null ? defaultStatus : status, -1);
            exchange.close();
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/plaid/webhooks";
    }

    /** Queues the statuses of the next answers (then the default applies). */
    public WebhookReceiver answer(Integer... statuses) {
        answers.addAll(List.of(statuses));
        return this;
    }

    public WebhookReceiver defaultStatus(int status) {
        this.defaultStatus = status;
        return this;
    }

    public List<Received> received() {
        return new ArrayList<>(received);
    }

    /** Waits (up to 10 s) until a request whose body satisfies {@code match} arrived, and returns it. */
    public Received await(Predicate<String> match) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
        while (Instant.now().isBefore(deadline)) {
            for (Received r : received) {
                if (match.test(r.text())) {
                    return r;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new AssertionError("no webhook matching the condition arrived; got " + received.stream()
                .map(Received::text).toList());
    }

    /** Waits for a webhook with this type and code. */
    public Received await(String type, String code) {
        return await(t -> t.contains("\"webhook_type\": \"" + type + "\"")
                && t.contains("\"webhook_code\": \"" + code + "\""));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
