package dev.tartan.link;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.item.LinkedAccount;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** JSON columns and hashing, with the contracts' mapper. */
public final class Json {

    private static final TypeReference<List<LinkedAccount>> ACCOUNTS = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };
    private static final TypeReference<Map<String, List<String>>> PRODUCT_ARRAYS = new TypeReference<>() {
    };

    private Json() {
    }

    public static String write(Object value) {
        try {
            return EventJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<LinkedAccount> accounts(String json) {
        return read(json, ACCOUNTS);
    }

    public static List<String> strings(String json) {
        return json == null ? null : read(json, STRINGS);
    }

    public static Map<String, List<String>> productArrays(String json) {
        return json == null ? Map.of() : read(json, PRODUCT_ARRAYS);
    }

    private static <T> T read(String json, TypeReference<T> type) {
        try {
            return EventJson.mapper().readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lowercase hex SHA-256: how Link tokens and public tokens are kept (recognisable, not reusable). */
    public static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
