package dev.tartan.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * A generic JSON client for the Plaid emulator (its Plaid API and its {@code /emulator/...} control API), on the
 * JDK's HttpClient. Bodies may be a {@link JsonNode}, a JSON {@link String}, a {@code Map} or any object Jackson
 * can write; {@code null} sends {@code {}}.
 *
 * <pre>{@code
 * EmulatorClient emu = PlaidEmulatorResource.client();
 * emu.reset();
 * JsonNode session = emu.post("/emulator/link/sessions", Map.of("institution_id", "ins_109508"));
 * emu.post("/emulator/webhooks/fire", Map.of("item_id", itemId, "webhook_code", "ERROR"));
 * JsonNode deliveries = emu.get("/emulator/webhooks/deliveries");
 * }</pre>
 */
public final class EmulatorClient {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;

    /** {@code baseUrl} like {@code http://127.0.0.1:8090/} (a trailing slash is optional). */
    public EmulatorClient(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** The emulator's base URL, with a trailing slash. */
    public String baseUrl() {
        return baseUrl;
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** POSTs JSON; returns the response body. Throws {@link EmulatorCallException} on a non-2xx status. */
    public JsonNode post(String path, Object body) {
        return ok(send("POST", path, body == null ? "{}" : body));
    }

    /** POSTs {@code {}}. */
    public JsonNode post(String path) {
        return post(path, null);
    }

    public JsonNode get(String path) {
        return ok(send("GET", path, null));
    }

    public JsonNode put(String path, Object body) {
        return ok(send("PUT", path, body == null ? "{}" : body));
    }

    public JsonNode delete(String path) {
        return ok(send("DELETE", path, null));
    }

    /** {@code POST /emulator/reset}: forget all state (Items, sessions, faults, deliveries). */
    public JsonNode reset() {
        return post("/emulator/reset");
    }

    /** Any method; never throws for an HTTP status, so tests can assert error responses. */
    public Response send(String method, String path, Object body) {
        String json = null;
        if (body != null) {
            try {
                json = body instanceof String s ? s : MAPPER.writeValueAsString(body);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot write request body as JSON: " + e.getMessage(), e);
            }
        }
        URI uri = URI.create(baseUrl + (path.startsWith("/") ? path.substring(1) : path));
        HttpRequest.Builder req = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (json != null) {
            req.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        } else {
            req.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(resp.statusCode(), parse(resp.body()), resp.body());
        } catch (IOException e) {
            throw new EmulatorCallException(method + " " + uri + " failed: " + e, -1, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmulatorCallException(method + " " + uri + " interrupted", -1, null, e);
        }
    }

    private JsonNode ok(Response r) {
        if (r.status() / 100 != 2) {
            throw new EmulatorCallException("emulator answered " + r.status() + ": " + r.raw(), r.status(), r.raw(),
                    null);
        }
        return r.body();
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            return MAPPER.getNodeFactory().textNode(body);
        }
    }

    /** An HTTP answer: status, body as JSON (a text node if it was not JSON, missing if empty), raw body. */
    public record Response(int status, JsonNode body, String raw) {
    }

    /** A failed call: the status (-1 if none) and the raw body. */
    public static final class EmulatorCallException extends RuntimeException {
        private final int status;
        private final String body;

        EmulatorCallException(String message, int status, String body, Throwable cause) {
            super(message, cause);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }
    }
}
