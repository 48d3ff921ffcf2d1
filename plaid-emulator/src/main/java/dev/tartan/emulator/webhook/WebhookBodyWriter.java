package dev.tartan.emulator.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes a webhook body as Plaid sends it: JSON pretty-printed with 2-space indentation, {@code "key": value}
 * separators, {@code []}/{@code {}} for empty containers and no trailing newline. Receivers must hash these exact bytes,
 * so the layout is fixed here rather than left to a library's pretty printer. No Quarkus dependency (reused by the
 * load generator).
 */
public final class WebhookBodyWriter {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private WebhookBodyWriter() {
    }

    public static String write(Map<String, ?> body) {
        return write((JsonNode) MAPPER.valueToTree(body));
    }

    public static String write(JsonNode node) {
        StringBuilder sb = new StringBuilder();
        append(sb, node, 0);
        return sb.toString();
    }

    private static void append(StringBuilder sb, JsonNode node, int depth) {
        if (node.isObject()) {
            if (node.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                indent(sb, depth + 1);
                sb.append(scalar(MAPPER.getNodeFactory().textNode(field.getKey()))).append(": ");
                append(sb, field.getValue(), depth + 1);
                sb.append(fields.hasNext() ? ",\n" : "\n");
            }
            indent(sb, depth);
            sb.append('}');
        } else if (node.isArray()) {
            if (node.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < node.size(); i++) {
                indent(sb, depth + 1);
                append(sb, node.get(i), depth + 1);
                sb.append(i < node.size() - 1 ? ",\n" : "\n");
            }
            indent(sb, depth);
            sb.append(']');
        } else {
            sb.append(scalar(node));
        }
    }

    private static void indent(StringBuilder sb, int depth) {
        sb.append("  ".repeat(depth));
    }

    private static String scalar(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
