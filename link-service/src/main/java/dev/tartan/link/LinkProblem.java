package dev.tartan.link;

import java.util.Map;

/**
 * A request link-service refuses, with the HTTP status, a stable code, a message a developer can act on
 * and, for input errors, the request field at fault. The API layer turns it into
 * {@code {"code": ..., "message": ..., "field": ...}}.
 */
public class LinkProblem extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final Map<String, Object> details;

    public LinkProblem(int status, String code, String message, String field, Map<String, Object> details) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
        this.details = details == null ? Map.of() : Map.copyOf(details);
    }

    /** 400: the request is wrong in {@code field}. */
    public static LinkProblem invalid(String code, String field, String message) {
        return new LinkProblem(400, code, message, field, null);
    }

    public static LinkProblem notFound(String code, String field, String message) {
        return new LinkProblem(404, code, message, field, null);
    }

    public static LinkProblem conflict(String code, String message, Map<String, Object> details) {
        return new LinkProblem(409, code, message, null, details);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    /** Extra machine-readable facts (e.g. the existing Item of a duplicate). */
    public Map<String, Object> details() {
        return details;
    }
}
