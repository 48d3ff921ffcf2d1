package dev.tartan.system.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/** JSON over HTTP with the JDK client; every call can be reported to a listener (the demo narrates them). */
public final class Http {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One call and its answer. */
    public record Call(String method, String url, String requestBody, int status, String responseBody, long millis) {
        public JsonNode json() {
            try {
                return responseBody == null || responseBody.isBlank() ? MissingNode.getInstance()
                        : MAPPER.readTree(responseBody);
            } catch (IOException e) {
                return MissingNode.getInstance();
            }
        }

        public Call expect(int expected) {
            if (status != expected) {
                throw new AssertionError(method + " " + url + " answered " + status + " (expected " + expected + "): "
                        + responseBody + (requestBody == null ? "" : "\n  request: " + requestBody));
            }
            return this;
        }
    }

    private final Consumer<Call> listener;

    public Http(Consumer<Call> listener) {
        this.listener = listener;
    }

    public Call post(String url, String bearer, Object body) {
        return send("POST", url, bearer, body);
    }

    public Call get(String url, String bearer) {
        return send("GET", url, bearer, null);
    }

    public Call send(String method, String url, String bearer, Object body) {
        String json;
        try {
            json = body == null ? null : body instanceof String s ? s : MAPPER.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        if (json != null) {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            b.method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                    : HttpRequest.BodyPublishers.noBody());
            if (method.equals("POST")) {
                b.header("Content-Type", "application/json");
            }
        }
        long t = System.nanoTime();
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            Call call = new Call(method, url, json, r.statusCode(), r.body(), (System.nanoTime() - t) / 1_000_000);
            listener.accept(call);
            return call;
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
