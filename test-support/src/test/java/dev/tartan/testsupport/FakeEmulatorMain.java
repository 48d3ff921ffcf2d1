package dev.tartan.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.sun.net.httpserver.HttpServer;

/** Stands in for the emulator's quarkus-run.jar: health, an echo of its settings, and a 400 path. */
public final class FakeEmulatorMain {

    private FakeEmulatorMain() {
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(System.getProperty("quarkus.http.port"));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/q/health/ready", ex -> reply(ex, 200, "{\"status\":\"UP\"}"));
        server.createContext("/emulator/settings", ex -> reply(ex, 200, "{\"retry\":\""
                + System.getProperty("tartan.emulator.webhook.retry-base-interval") + "\",\"webhook\":\""
                + System.getProperty("tartan.emulator.webhook.default-url") + "\",\"method\":\"" + ex.getRequestMethod()
                + "\",\"body\":" + quote(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                + "}"));
        server.createContext("/item/get", ex -> reply(ex, 400, "{\"error_code\":\"INVALID_ACCESS_TOKEN\"}"));
        server.start();
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void reply(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
