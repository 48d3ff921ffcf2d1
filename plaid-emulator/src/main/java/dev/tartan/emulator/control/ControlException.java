package dev.tartan.emulator.control;

import dev.tartan.emulator.api.PlaidException;

/** A failed control-API call: rendered as {@code {"code": "...", "message": "..."}} with its HTTP status. */
public class ControlException extends RuntimeException {
    private final int status;
    private final String code;

    public ControlException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public static ControlException badRequest(String message) {
        return new ControlException(400, "INVALID_REQUEST", message);
    }

    public static ControlException notFound(String message) {
        return new ControlException(404, "NOT_FOUND", message);
    }

    /** A Plaid error met while serving a control call, reported in the control API's format. */
    public static ControlException from(PlaidException e) {
        return new ControlException(e.status() >= 500 ? 500 : 400, e.errorCode(), e.getMessage());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
