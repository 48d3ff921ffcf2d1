package dev.tartan.plaid.gateway;

import java.util.Set;

/**
 * Plaid answered with an error ({@code PlaidError}): the fields are Plaid's, as sent. Branch on
 * {@link #errorType()} and {@link #errorCode()}; {@link #errorMessage()} is developer text that may change.
 *
 * <p>Thrown as is for errors that retrying cannot fix (4xx). A 429 or 5xx that stayed after every retry
 * arrives as the cause of a {@link PlaidUnavailableException}.
 */
public class PlaidApiException extends RuntimeException {

    public static final String ITEM_ERROR = "ITEM_ERROR";
    public static final String RATE_LIMIT_EXCEEDED = "RATE_LIMIT_EXCEEDED";
    public static final String INVALID_INPUT = "INVALID_INPUT";
    public static final String INVALID_REQUEST = "INVALID_REQUEST";
    public static final String API_ERROR = "API_ERROR";
    /** {@link #errorType()} when the error body was not Plaid's JSON (a proxy's HTML page, say). */
    public static final String UNPARSEABLE = "UNPARSEABLE_RESPONSE";

    private final PlaidEndpoint endpoint;
    private final int httpStatus;
    private final String errorType;
    private final String errorCode;
    private final String errorMessage;
    private final String displayMessage;
    private final String requestId;
    private final String errorCodeReason;
    private final String suggestedAction;

    public PlaidApiException(PlaidEndpoint endpoint, int httpStatus, String errorType, String errorCode, String errorMessage,
            String displayMessage, String requestId, String errorCodeReason, String suggestedAction) {
        super("Plaid " + endpoint.path() + " answered " + httpStatus + " " + errorType + "/" + errorCode
                + " (request_id=" + requestId + "): " + errorMessage);
        this.endpoint = endpoint;
        this.httpStatus = httpStatus;
        this.errorType = errorType;
        this.errorCode = errorCode;
        this.errorMessage = errorMessage;
        this.displayMessage = displayMessage;
        this.requestId = requestId;
        this.errorCodeReason = errorCodeReason;
        this.suggestedAction = suggestedAction;
    }

    public PlaidEndpoint endpoint() {
        return endpoint;
    }

    /** HTTP status of Plaid's answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** {@code error_type}, e.g. {@code ITEM_ERROR}; kept as a string so types newer than plaid-java survive. */
    public String errorType() {
        return errorType;
    }

    /** {@code error_code}, e.g. {@code ITEM_LOGIN_REQUIRED} (an open set). */
    public String errorCode() {
        return errorCode;
    }

    /** {@code error_message}: for developers, may change, don't parse. */
    public String errorMessage() {
        return errorMessage;
    }

    /** {@code display_message}: text safe to show the user, or {@code null}. */
    public String displayMessage() {
        return displayMessage;
    }

    /** {@code request_id}: quote it to Plaid support. */
    public String requestId() {
        return requestId;
    }

    /** {@code error_code_reason} (OAuth Item errors only), or {@code null}. */
    public String errorCodeReason() {
        return errorCodeReason;
    }

    /** {@code suggested_action}, or {@code null}. */
    public String suggestedAction() {
        return suggestedAction;
    }

    /** 429 and 5xx are worth retrying with back-off; other 4xx are input or Item problems that a retry repeats. */
    public boolean isRetryable() {
        return httpStatus == 429 || httpStatus >= 500;
    }

    public boolean isRateLimited() {
        return httpStatus == 429 || RATE_LIMIT_EXCEEDED.equals(errorType);
    }

    /** An {@code ITEM_ERROR} (any code). */
    public boolean isItemError() {
        return ITEM_ERROR.equals(errorType);
    }

    /** An {@code ITEM_ERROR} with one of these codes, e.g. {@code isItemError("ITEM_LOGIN_REQUIRED")}. */
    public boolean isItemError(String... errorCodes) {
        return isItemError() && (errorCodes.length == 0 || Set.of(errorCodes).contains(errorCode));
    }
}
