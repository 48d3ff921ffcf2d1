package dev.tartan.emulator.api;

import java.util.Map;

/** A Plaid API failure: rendered as Plaid's error object with its HTTP status (see {@link PlaidErrors}). */
public class PlaidException extends RuntimeException {
    private final int status;
    private final String errorType;
    private final String errorCode;
    private final String displayMessage;
    private final Map<String, Object> extra;

    public PlaidException(int status, String errorType, String errorCode, String errorMessage, String displayMessage) {
        this(status, errorType, errorCode, errorMessage, displayMessage, Map.of());
    }

    public PlaidException(int status, String errorType, String errorCode, String errorMessage, String displayMessage,
                          Map<String, Object> extra) {
        super(errorMessage);
        this.status = status;
        this.errorType = errorType;
        this.errorCode = errorCode;
        this.displayMessage = displayMessage;
        this.extra = extra;
    }

    public int status() {
        return status;
    }

    public String errorType() {
        return errorType;
    }

    public String errorCode() {
        return errorCode;
    }

    public String displayMessage() {
        return displayMessage;
    }

    /** The error object as Plaid returns it from the API ({@code request_id} inside, no {@code status}). */
    public Map<String, Object> toBody(String requestId) {
        Map<String, Object> body = Json.obj(
                "display_message", displayMessage,
                "documentation_url", "https://plaid.com/docs/errors/",
                "error_code", errorCode,
                "error_code_reason", null,
                "error_message", getMessage(),
                "error_type", errorType,
                "request_id", requestId,
                "suggested_action", null);
        body.putAll(extra);
        return body;
    }

    /** The error object as embedded in a webhook or an Item: no {@code request_id}, {@code status} filled. */
    public Map<String, Object> toEmbedded() {
        Map<String, Object> body = Json.obj(
                "display_message", displayMessage,
                "error_code", errorCode,
                "error_code_reason", null,
                "error_message", getMessage(),
                "error_type", errorType,
                "status", status);
        body.putAll(extra);
        return body;
    }
}
