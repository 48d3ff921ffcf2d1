package dev.tartan.emulator.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Validates JSON bodies against Plaid's own OpenAPI document, read at test time from
 * {@code ${tartan.repo.root}/../shared/plaid/} (falling back to walking up from the working directory). Handles what
 * Plaid's schemas use: {@code $ref}, {@code allOf}, {@code oneOf}/{@code anyOf}, {@code nullable}, {@code required},
 * {@code type}, {@code enum}, {@code items}, and the {@code date}/{@code date-time} formats.
 */
public final class OpenApiSchemas {
    private static final String FILE = "plaid-openapi-2020-09-14.yml";
    private static volatile OpenApiSchemas instance;

    private final JsonNode spec;

    private OpenApiSchemas(JsonNode spec) {
        this.spec = spec;
    }

    public static OpenApiSchemas get() {
        if (instance == null) {
            synchronized (OpenApiSchemas.class) {
                if (instance == null) {
                    instance = new OpenApiSchemas(load(locate()));
                }
            }
        }
        return instance;
    }

    static Path locate() {
        String root = System.getProperty("tartan.repo.root");
        if (root != null) {
            Path p = Path.of(root).resolve("../shared/plaid").resolve(FILE).normalize();
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            for (Path candidate : List.of(dir.resolve("shared/plaid").resolve(FILE),
                    dir.resolve("../shared/plaid").resolve(FILE))) {
                if (Files.isRegularFile(candidate)) {
                    return candidate.normalize();
                }
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find " + FILE + " (set -Dtartan.repo.root)");
    }

    private static JsonNode load(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(64 * 1024 * 1024);
        ObjectMapper yaml = new ObjectMapper(YAMLFactory.builder().loaderOptions(options).build());
        try (InputStream in = Files.newInputStream(file)) {
            return yaml.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file, e);
        }
    }

    /** The schema of the 200 response of {@code POST path}, or PlaidError for other statuses. */
    public JsonNode responseSchema(String path, int status) {
        if (status != 200) {
            return ref("#/components/schemas/PlaidError");
        }
        JsonNode op = spec.path("paths").path(path).path("post");
        if (op.isMissingNode()) {
            throw new IllegalArgumentException("no POST " + path + " in Plaid's OpenAPI document");
        }
        return op.path("responses").path("200").path("content").path("application/json").path("schema");
    }

    public JsonNode schema(String name) {
        JsonNode s = spec.path("components").path("schemas").path(name);
        if (s.isMissingNode()) {
            throw new IllegalArgumentException("no schema " + name);
        }
        return s;
    }

    /** Violations of {@code value} against the response schema of {@code path}/{@code status}; empty when valid. */
    public List<String> validateResponse(String path, int status, JsonNode value) {
        List<String> errors = new ArrayList<>();
        validate(responseSchema(path, status), value, "$", errors);
        return errors;
    }

    public List<String> validate(String schemaName, JsonNode value) {
        List<String> errors = new ArrayList<>();
        validate(schema(schemaName), value, "$", errors);
        return errors;
    }

    private JsonNode ref(String ref) {
        if (!ref.startsWith("#/")) {
            throw new IllegalArgumentException("external $ref " + ref);
        }
        JsonNode node = spec;
        for (String part : ref.substring(2).split("/")) {
            node = node.path(part.replace("~1", "/").replace("~0", "~"));
        }
        if (node.isMissingNode()) {
            throw new IllegalArgumentException("unresolvable $ref " + ref);
        }
        return node;
    }

    private boolean nullable(JsonNode schema) {
        if (schema.path("nullable").asBoolean(false)) {
            return true;
        }
        if (schema.has("$ref")) {
            return nullable(ref(schema.get("$ref").asText()));
        }
        // allOf with a nullable wrapper ({allOf: [{$ref: X}], nullable: true}) or a nullable member
        if (schema.has("allOf")) {
            for (JsonNode member : schema.get("allOf")) {
                if (member.path("nullable").asBoolean(false) || (member.has("$ref")
                        && ref(member.get("$ref").asText()).path("nullable").asBoolean(false)
                        && schema.get("allOf").size() == 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void validate(JsonNode schema, JsonNode value, String at, List<String> errors) {
        if (schema == null || schema.isMissingNode()) {
            return;
        }
        if (value.isNull()) {
            boolean enumAllowsNull = false;
            for (JsonNode e : schema.path("enum")) {
                enumAllowsNull |= e.isNull();
            }
            if (!nullable(schema) && !enumAllowsNull) {
                errors.add(at + ": null is not allowed");
            }
            return;
        }
        if (schema.has("$ref")) {
            validate(ref(schema.get("$ref").asText()), value, at, errors);
            return;
        }
        if (schema.has("allOf")) {
            for (JsonNode member : schema.get("allOf")) {
                validate(member, value, at, errors);
            }
        }
        for (String combinator : List.of("oneOf", "anyOf")) {
            if (schema.has(combinator)) {
                boolean any = false;
                List<String> first = null;
                for (JsonNode member : schema.get(combinator)) {
                    List<String> sub = new ArrayList<>();
                    validate(member, value, at, sub);
                    if (sub.isEmpty()) {
                        any = true;
                        break;
                    }
                    if (first == null) {
                        first = sub;
                    }
                }
                if (!any) {
                    errors.add(at + ": matches no " + combinator + " member " + first);
                }
            }
        }
        String type = schema.path("type").asText(null);
        if (type != null && !typeMatches(type, value)) {
            errors.add(at + ": expected " + type + " but was " + value.getNodeType() + " " + abbreviate(value));
            return;
        }
        if (schema.has("enum") && value.isValueNode()) {
            boolean found = false;
            for (JsonNode e : schema.get("enum")) {
                found |= e.equals(value) || (e.isTextual() && value.isTextual() && e.asText().equals(value.asText()));
            }
            if (!found) {
                errors.add(at + ": " + value + " is not one of " + schema.get("enum"));
            }
        }
        if (value.isTextual() && schema.has("format")) {
            String format = schema.get("format").asText();
            try {
                if (format.equals("date-time")) {
                    OffsetDateTime.parse(value.asText());
                } else if (format.equals("date")) {
                    LocalDate.parse(value.asText());
                }
            } catch (RuntimeException e) {
                errors.add(at + ": " + value + " is not a valid " + format);
            }
        }
        if (value.isObject()) {
            for (JsonNode required : schema.path("required")) {
                if (!value.has(required.asText())) {
                    errors.add(at + ": required field " + required.asText() + " is missing");
                }
            }
            JsonNode props = schema.path("properties");
            Iterator<String> names = value.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (props.has(name)) {
                    validate(props.get(name), value.get(name), at + "." + name, errors);
                }
            }
        }
        if (value.isArray() && schema.has("items")) {
            for (int i = 0; i < value.size(); i++) {
                validate(schema.get("items"), value.get(i), at + "[" + i + "]", errors);
            }
        }
    }

    private static boolean typeMatches(String type, JsonNode value) {
        return switch (type) {
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            case "string" -> value.isTextual();
            case "integer" -> value.isIntegralNumber();
            case "number" -> value.isNumber();
            case "boolean" -> value.isBoolean();
            default -> true;
        };
    }

    private static String abbreviate(JsonNode value) {
        String s = value.toString();
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
