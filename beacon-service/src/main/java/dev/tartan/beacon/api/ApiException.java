package dev.tartan.beacon.api;

/** An API refusal with its HTTP status and stable code; rendered as {@code {"code","message"}}. */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException notFound(String what) {
        return new ApiException(404, "BEACON_USER_NOT_FOUND", what);
    }

    public static ApiException invalid(java.util.List<String> problems) {
        return new ApiException(400, "INVALID_REQUEST", String.join("; ", problems));
    }
}
