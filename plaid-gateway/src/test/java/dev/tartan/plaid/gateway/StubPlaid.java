package dev.tartan.plaid.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A local HTTP server that answers like Plaid: scripted answers per path (Plaid's error JSON, success
 * bodies, delays, non-JSON pages), and a record of every request it received.
 */
final class StubPlaid implements AutoCloseable {

    record Received(String path, Map<String, List<String>> headers, String body, long atNanos, String thread) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).findFirst()
                    .map(e -> e.getValue().get(0)).orElse(null);
        }
    }

    record Answer(int status, String body, Map<String, String> headers, long delayMillis) {
        static Answer json(int status, String body) {
            return new Answer(status, body, Map.of(), 0);
        }

        Answer delayed(long millis) {
            return new Answer(status, body, headers, millis);
        }

        Answer withHeader(String name, String value) {
            Map<String, String> h = new java.util.HashMap<>(headers);
            h.put(name, value);
            return new Answer(status, body, Map.copyOf(h), delayMillis);
        }
    }

    static Answer plaidError(int status, String type, String code, String requestId) {
        return Answer.json(status, """
                {"error_type":"%s","error_code":"%s","error_message":"developer text for %s",
                 "display_message":"Something went wrong","request_id":"%s","suggested_action":null}"""
                .formatted(type, code, code, requestId));
    }

    static Answer itemGetOk(String itemId, String requestId) {
        return Answer.json(200, """
                {"item":{"item_id":"%s","institution_id":"ins_109508","webhook":"","available_products":[],
                 "billed_products":["auth"],"products":["auth"],"consent_expiration_time":null,
                 "update_type":"background"},"request_id":"%s"}""".formatted(itemId, requestId));
    }

    static Answer verificationKeyOk(String requestId) {
        return Answer.json(200, """
                {"key":{"alg":"ES256","created_at":1560466150,"crv":"P-256","expired_at":null,"kid":"kid-1",
                 "kty":"EC","use":"sig","x":"x","y":"y"},"request_id":"%s"}""".formatted(requestId));
    }

    private final HttpServer server;
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Answer> defaults = new ConcurrentHashMap<>();
    private final List<Received> received = new ArrayList<>();

    StubPlaid() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stub-plaid");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** Answers for the next requests to {@code path}, in order; then the default for the path. */
    StubPlaid then(String path, Answer... answers) {
        Deque<Answer> q = scripts.computeIfAbsent(path, p -> new ArrayDeque<>());
        synchronized (q) {
            q.addAll(List.of(answers));
        }
        return this;
    }

    StubPlaid always(String path, Answer answer) {
        defaults.put(path, answer);
        return this;
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    List<Received> received(String path) {
        return received().stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            synchronized (this) {
                received.add(new Received(path, Map.copyOf(exchange.getRequestHeaders()), body, System.nanoTime(),
                        Thread.currentThread().getName()));
            }
            Answer answer = null;
            Deque<Answer> q = scripts.get(path);
            if (q != null) {
                synchronized (q) {
                    answer = q.poll();
                }
            }
            if (answer == null) {
                answer = defaults.getOrDefault(path, plaidError(400, "INVALID_REQUEST", "NOT_FOUND", "stub-no-script"));
            }
            if (answer.delayMillis() > 0) {
                try {
                    Thread.sleep(answer.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            boolean json = answer.body().startsWith("{");
            exchange.getResponseHeaders().add("Content-Type", json ? "application/json" : "text/html");
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.sendResponseHeaders(answer.status(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            // the client gave up (read timeout): nothing to answer
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
