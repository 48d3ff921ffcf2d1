package dev.tartan.emulator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One authenticated Plaid API call: its {@code request_id} and its JSON body, with readers that fail the way Plaid
 * does (MISSING_FIELDS for absent required fields, INVALID_FIELD for wrong types).
 */
public final class PlaidRequest {
    private final String requestId;
    private final String endpoint;
    private final JsonNode body;

    public PlaidRequest(String requestId, String endpoint, JsonNode body) {
        this.requestId = requestId;
        this.endpoint = endpoint;
        this.body = body;
    }

    public String requestId() {
        return requestId;
    }

    public String endpoint() {
        return endpoint;
    }

    public JsonNode body() {
        return body;
    }

    /** Fails with one MISSING_FIELDS error naming every absent (or null) field, as Plaid lists them together. */
    public PlaidRequest require(String... fields) {
        List<String> missing = new ArrayList<>();
        for (String field : fields) {
            JsonNode node = body.get(field);
            if (node == null || node.isNull()) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw PlaidErrors.missingFields(missing);
        }
        return this;
    }

    public String str(String field) {
        require(field);
        return text(body, field);
    }

    public Optional<String> optStr(String field) {
        JsonNode node = body.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        return Optional.of(text(body, field));
    }

    public JsonNode node(String field) {
        JsonNode node = body.get(field);
        return node == null ? NullNode.getInstance() : node;
    }

    /** The string array at {@code parent.field}, empty when absent; INVALID_FIELD when not an array of strings. */
    public static List<String> strings(JsonNode parent, String field) {
        JsonNode node = parent == null ? null : parent.get(field);
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isArray()) {
            throw PlaidErrors.invalidField(field + " must be an array of strings");
        }
        for (JsonNode item : node) {
            if (!item.isTextual()) {
                throw PlaidErrors.invalidField(field + " must be an array of strings");
            }
            out.add(item.asText());
        }
        return out;
    }

    public List<String> strings(String field) {
        return strings(body, field);
    }

    /** The text of {@code parent.field}; INVALID_FIELD when it is present but not a string. */
    public static String text(JsonNode parent, String field) {
        JsonNode node = parent == null ? null : parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw PlaidErrors.invalidField(field + " must be a string");
        }
        return node.asText();
    }

    /** Account ids from {@code options.account_ids}, empty when absent. */
    public List<String> optionAccountIds() {
        return strings(node("options"), "account_ids");
    }
}
