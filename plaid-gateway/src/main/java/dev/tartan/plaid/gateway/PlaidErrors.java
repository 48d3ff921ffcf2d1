package dev.tartan.plaid.gateway;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import okhttp3.ResponseBody;
import retrofit2.Response;

/** Reads Plaid's answers: the {@code PlaidError} of a failed call, and the ids in a successful one. */
final class PlaidErrors {

    /** Longest error body read: Plaid's are a few hundred bytes; a proxy's error page can be anything. */
    private static final long MAX_ERROR_BODY = 64 * 1024;

    private PlaidErrors() {
    }

    static PlaidApiException fromResponse(PlaidEndpoint endpoint, Response<?> response) {
        String body = null;
        try (ResponseBody errorBody = response.errorBody()) {
            if (errorBody != null) {
                body = errorBody.source().request(MAX_ERROR_BODY) ? errorBody.source().getBuffer().readUtf8(MAX_ERROR_BODY)
                        : errorBody.source().getBuffer().readUtf8();
            }
        } catch (IOException e) {
            body = null; // the status alone still classifies the failure
        }
        return fromBody(endpoint, response.code(), body);
    }

    /**
     * Parses Plaid's error JSON leniently (as strings: an {@code error_type} newer than plaid-java must
     * not turn into {@code ENUM_UNKNOWN}). Anything that is not Plaid's JSON becomes
     * {@link PlaidApiException#UNPARSEABLE}; its body is not copied into the message, since it is not
     * known what it contains.
     */
    static PlaidApiException fromBody(PlaidEndpoint endpoint, int status, String body) {
        JsonObject json = null;
        if (body != null && !body.isBlank()) {
            try {
                JsonElement parsed = JsonParser.parseString(body);
                json = parsed.isJsonObject() ? parsed.getAsJsonObject() : null;
            } catch (RuntimeException e) {
                json = null;
            }
        }
        if (json == null || (string(json, "error_type") == null && string(json, "error_code") == null)) {
            return new PlaidApiException(endpoint, status, PlaidApiException.UNPARSEABLE, "HTTP_" + status,
                    "the answer was not Plaid's error JSON (" + (body == null ? 0 : body.length()) + " characters)",
                    null, null, null, null);
        }
        return new PlaidApiException(endpoint, status, string(json, "error_type"), string(json, "error_code"),
                string(json, "error_message"), string(json, "display_message"), string(json, "request_id"),
                string(json, "error_code_reason"), string(json, "suggested_action"));
    }

    private static String string(JsonObject json, String name) {
        JsonElement e = json.get(name);
        if (e == null || e.isJsonNull()) {
            return null;
        }
        return e.isJsonPrimitive() ? e.getAsString() : e.toString();
    }

    /** {@code Retry-After} in seconds, if Plaid sent one (it is not documented; honoured when present). */
    static Duration retryAfter(Response<?> response) {
        String value = response.headers().get("Retry-After");
        if (value == null) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.strip());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null; // an HTTP date: rare enough to fall back to our own back-off
        }
    }

    /** Every plaid-java response model has {@code getRequestId()}; a few have {@code getItemId()}. */
    private static final ClassValue<Method> REQUEST_ID = getter("getRequestId");
    private static final ClassValue<Method> ITEM_ID = getter("getItemId");

    static String requestIdOf(Object body) {
        return invoke(REQUEST_ID, body);
    }

    static String itemIdOf(Object body) {
        return invoke(ITEM_ID, body);
    }

    private static ClassValue<Method> getter(String name) {
        return new ClassValue<>() {
            @Override
            protected Method computeValue(Class<?> type) {
                try {
                    Method m = type.getMethod(name);
                    return m.getReturnType() == String.class ? m : null;
                } catch (NoSuchMethodException e) {
                    return null;
                }
            }
        };
    }

    private static String invoke(ClassValue<Method> getter, Object body) {
        if (body == null) {
            return null;
        }
        Method m = getter.get(body.getClass());
        if (m == null) {
            return null;
        }
        try {
            return (String) m.invoke(body);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
