package dev.tartan.emulator.api;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Small builders for Plaid-shaped JSON. Responses are ordered maps so field names stay exactly Plaid's snake_case and
 * required-but-null fields are written as {@code null} (Jackson includes nulls in maps).
 */
public final class Json {
    private Json() {
    }

    /** An ordered object from alternating keys and values. */
    public static Map<String, Object> obj(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keys and values must alternate");
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    /** Adds {@code key} only when {@code value} is not null: for optional fields the spec does not mark nullable. */
    public static Map<String, Object> putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
        return map;
    }

    public static <T> List<T> list(Iterable<T> items) {
        List<T> out = new ArrayList<>();
        items.forEach(out::add);
        return out;
    }

    /** Plaid's date-time form: ISO-8601 UTC with second precision ({@code 2024-01-29T08:06:46Z}). */
    public static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
