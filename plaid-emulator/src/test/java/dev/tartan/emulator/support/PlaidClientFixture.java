package dev.tartan.emulator.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.gson.Gson;
import com.plaid.client.ApiClient;
import com.plaid.client.model.PlaidError;
import com.plaid.client.request.PlaidApi;
import okhttp3.Interceptor;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The official plaid-java client pointed at the emulator with {@code ApiClient.setPlaidAdapter(url)}, plus an OkHttp
 * interceptor that validates every raw response body against Plaid's OpenAPI document (the 200 schema of the path, or
 * PlaidError for failures) and checks each carries a {@code request_id}.
 */
public final class PlaidClientFixture {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** One captured exchange. */
    public record Exchange(String path, int status, String body, Map<String, String> requestHeaders) {
    }

    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());
    private final PlaidApi api;

    public PlaidClientFixture(String baseUrl) {
        this(baseUrl, "tartan-dev-client", "tartan-dev-secret");
    }

    public PlaidClientFixture(String baseUrl, String clientId, String secret) {
        Map<String, String> keys = new HashMap<>();
        keys.put("clientId", clientId);
        keys.put("secret", secret);
        ApiClient client = new ApiClient(keys);
        client.getOkBuilder().addInterceptor(this::validate);
        client.setPlaidAdapter(baseUrl);
        this.api = client.createService(PlaidApi.class);
    }

    public PlaidApi api() {
        return api;
    }

    private Response validate(Interceptor.Chain chain) throws IOException {
        Request request = chain.request();
        Response response = chain.proceed(request);
        String path = request.url().encodedPath();
        ResponseBody body = response.body();
        String text = body == null ? "" : body.string();
        MediaType type = body == null ? null : body.contentType();
        Map<String, String> headers = new HashMap<>();
        request.headers().names().forEach(n -> headers.put(n, request.header(n)));
        exchanges.add(new Exchange(path, response.code(), text, headers));
        try {
            JsonNode json = MAPPER.readTree(text);
            for (String v : OpenApiSchemas.get().validateResponse(path, response.code(), json)) {
                violations.add(path + " (" + response.code() + ") " + v);
            }
            if (!json.path("request_id").isTextual() || json.path("request_id").asText().isEmpty()) {
                violations.add(path + " (" + response.code() + ") has no request_id");
            }
        } catch (IOException e) {
            violations.add(path + " returned non-JSON: " + text);
        }
        return response.newBuilder().body(ResponseBody.create(text, type)).build();
    }

    /** Schema violations seen so far (empty = every response matched Plaid's OpenAPI document). */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    public List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    /** Executes a call that must succeed and returns its body. */
    public static <T> T ok(retrofit2.Call<T> call) {
        try {
            retrofit2.Response<T> r = call.execute();
            if (!r.isSuccessful()) {
                throw new AssertionError("HTTP " + r.code() + ": " + r.errorBody().string());
            }
            return r.body();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Executes a call that must fail and returns its HTTP status with Plaid's error object. */
    public static Failure fail(retrofit2.Call<?> call) {
        try {
            retrofit2.Response<?> r = call.execute();
            if (r.isSuccessful()) {
                throw new AssertionError("expected a failure but got " + r.body());
            }
            String body = r.errorBody().string();
            return new Failure(r.code(), new Gson().fromJson(body, PlaidError.class), body);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A failed call. */
    public record Failure(int status, PlaidError error, String raw) {
    }

    @SuppressWarnings("unused")
    private static String read(okhttp3.RequestBody body) throws IOException {
        Buffer buffer = new Buffer();
        body.writeTo(buffer);
        return buffer.readUtf8();
    }
}
