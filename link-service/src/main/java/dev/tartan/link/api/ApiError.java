package dev.tartan.link.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The error body of every link-service API: {@code {"code": ..., "message": ..., "field": ...}} (field only for
 * input errors), followed by any details (e.g. {@code existing_item_id}, {@code request_id}).
 */
public final class ApiError {

    private ApiError() {
    }

    public static Map<String, Object> of(String code, String message, String field, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        if (field != null) {
            body.put("field", field);
        }
        if (details != null) {
            details.forEach(body::putIfAbsent);
        }
        return body;
    }
}
