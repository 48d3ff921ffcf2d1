package dev.tartan.ingest.api;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what the emulator posts (signature header and exact body bytes), so a test can replay or tamper with it. */
final class CaptureServer implements AutoCloseable {

    record Captured(String jwt, byte[] body) {
    }

    private final HttpServer server;
    private final LinkedBlockingQueue<Captured> received = new LinkedBlockingQueue<>();

    CaptureServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", ex -> {
            received.add(new Captured(ex.getRequestHeaders().getFirst("Plaid-Verification"), ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    Captured next(Duration timeout) throws InterruptedException {
        Captured c = received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (c == null) {
            throw new AssertionError("the emulator posted nothing within " + timeout);
        }
        return c;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
