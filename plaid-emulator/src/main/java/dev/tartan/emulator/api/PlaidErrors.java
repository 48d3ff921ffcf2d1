package dev.tartan.emulator.api;

import java.util.List;
import java.util.Set;

/** Plaid's error catalogue as far as the emulator produces it (types, codes and HTTP statuses from Plaid's error docs). */
public final class PlaidErrors {
    private PlaidErrors() {
    }

    public static PlaidException missingFields(List<String> fields) {
        return new PlaidException(400, "INVALID_REQUEST", "MISSING_FIELDS",
                "the following required fields are missing: " + String.join(", ", fields), null);
    }

    public static PlaidException invalidField(String message) {
        return new PlaidException(400, "INVALID_REQUEST", "INVALID_FIELD", message, null);
    }

    public static PlaidException invalidBody(String message) {
        return new PlaidException(400, "INVALID_REQUEST", "INVALID_BODY", message, null);
    }

    public static PlaidException invalidConfiguration(String message) {
        return new PlaidException(400, "INVALID_REQUEST", "INVALID_CONFIGURATION", message, null);
    }

    public static PlaidException notFound(String path) {
        return new PlaidException(404, "INVALID_REQUEST", "NOT_FOUND", "unrecognized endpoint " + path, null);
    }

    public static PlaidException invalidApiKeys() {
        return new PlaidException(400, "INVALID_INPUT", "INVALID_API_KEYS",
                "invalid client_id or secret provided", null);
    }

    public static PlaidException invalidAccessToken() {
        return new PlaidException(400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN",
                "provided access token is in an invalid format or does not exist", null);
    }

    public static PlaidException invalidPublicToken(String why) {
        return new PlaidException(400, "INVALID_INPUT", "INVALID_PUBLIC_TOKEN", why, null);
    }

    public static PlaidException invalidLinkToken(String why) {
        return new PlaidException(400, "INVALID_INPUT", "INVALID_LINK_TOKEN", why, null);
    }

    public static PlaidException invalidAccountId(String accountId) {
        return new PlaidException(400, "INVALID_INPUT", "INVALID_ACCOUNT_ID",
                "one or more of the account IDs is invalid: " + accountId, null);
    }

    public static PlaidException invalidInstitution(String institutionId) {
        return new PlaidException(400, "INVALID_INPUT", "INVALID_INSTITUTION",
                "invalid institution_id provided: " + institutionId, null);
    }

    public static PlaidException invalidProduct(String message) {
        return new PlaidException(400, "INVALID_INPUT", "INVALID_PRODUCT", message, null);
    }

    public static PlaidException invalidWebhookKeyId() {
        return new PlaidException(400, "INVALID_INPUT", "INVALID_WEBHOOK_VERIFICATION_KEY_ID",
                "invalid key_id provided", null);
    }

    public static PlaidException itemNotFound() {
        return new PlaidException(400, "ITEM_ERROR", "ITEM_NOT_FOUND",
                "the Item you requested cannot be found. This Item does not exist, has been previously removed via "
                        + "/item/remove, or has had access removed by the user", null);
    }

    public static PlaidException itemLoginRequired() {
        return new PlaidException(400, "ITEM_ERROR", "ITEM_LOGIN_REQUIRED",
                "the login details of this item have changed (credentials, MFA, or required user action) and a user "
                        + "login is required to update this information. use Link's update mode to restore the item to "
                        + "a good state",
                "We're sorry, your login credentials at this institution have changed. Please reconnect your account.");
    }

    public static PlaidException productsNotSupported(String message) {
        return new PlaidException(400, "ITEM_ERROR", "PRODUCTS_NOT_SUPPORTED", message, null);
    }

    /**
     * The user did not share the data {@code product} needs (REFERENCE §4.3 ACCESS_NOT_GRANTED; Plaid then sends
     * {@code PRODUCT_PERMISSIONS_REQUIRED}, fixed by update mode with the product in {@code products}).
     */
    public static PlaidException accessNotGranted(String product) {
        return new PlaidException(400, "ITEM_ERROR", "ACCESS_NOT_GRANTED",
                "the user did not grant access to the data " + product + " needs; use Link update mode with "
                        + product + " in products", "Please grant access to your " + product + " information.");
    }

    public static PlaidException productNotReady(String message) {
        return new PlaidException(400, "ITEM_ERROR", "PRODUCT_NOT_READY", message, null);
    }

    public static PlaidException sandboxProductNotEnabled(String message) {
        return new PlaidException(400, "SANDBOX_ERROR", "SANDBOX_PRODUCT_NOT_ENABLED", message, null);
    }

    public static PlaidException sandboxWebhookInvalid() {
        return new PlaidException(400, "SANDBOX_ERROR", "SANDBOX_WEBHOOK_INVALID",
                "the webhook for the Item is invalid or not set", null);
    }

    public static PlaidException rateLimit(String endpoint) {
        return new PlaidException(429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT",
                "rate limit exceeded for " + endpoint + " (injected by the emulator)", null);
    }

    public static PlaidException internalServerError() {
        return new PlaidException(500, "API_ERROR", "INTERNAL_SERVER_ERROR",
                "an unexpected error occurred", "An unexpected error occurred. Please try again later.");
    }

    public static PlaidException plannedMaintenance() {
        return new PlaidException(503, "API_ERROR", "PLANNED_MAINTENANCE",
                "the Plaid API is temporarily unavailable due to planned maintenance",
                "This institution is undergoing maintenance. Please try again later.");
    }

    private static final Set<String> INSTITUTION_CODES = Set.of("INSTITUTION_DOWN", "INSTITUTION_NOT_RESPONDING",
            "INSTITUTION_NOT_AVAILABLE", "INSTITUTION_NO_LONGER_SUPPORTED", "INSTITUTION_NOT_ENABLED_IN_ENVIRONMENT",
            "UNAUTHORIZED_INSTITUTION", "INSTITUTION_REGISTRATION_REQUIRED", "UNSUPPORTED_RESPONSE");

    /**
     * The error a sandbox login with password {@code error_<CODE>} produces: institution codes are
     * {@code INSTITUTION_ERROR}, {@code INTERNAL_SERVER_ERROR} is an {@code API_ERROR} 500, everything else an
     * {@code ITEM_ERROR} 400.
     */
    public static PlaidException forSandboxCode(String code) {
        if ("ITEM_LOGIN_REQUIRED".equals(code)) {
            return itemLoginRequired();
        }
        if ("INTERNAL_SERVER_ERROR".equals(code)) {
            return internalServerError();
        }
        if (INSTITUTION_CODES.contains(code)) {
            return new PlaidException(400, "INSTITUTION_ERROR", code,
                    "this institution reported " + code + " (sandbox simulated)", "This financial institution is "
                    + "not currently responding to requests. We apologize for the inconvenience.");
        }
        return new PlaidException(400, "ITEM_ERROR", code, "sandbox simulated Item error " + code,
                "We couldn't connect to your account. Please try again.");
    }

    /** Whether {@code code} is usable as {@code error_<CODE>}: upper-case letters, digits and underscores. */
    public static boolean isErrorCodeLike(String code) {
        return code != null && code.matches("[A-Z][A-Z0-9_]{2,63}");
    }
}
