package dev.tartan.item.state;

/** Plaid's ITEM webhook codes (REFERENCE 2.2). Plaid's codes are open strings: anything else is recorded and ignored. */
public final class WebhookCodes {
    public static final String ERROR = "ERROR";
    public static final String LOGIN_REPAIRED = "LOGIN_REPAIRED";
    public static final String PENDING_EXPIRATION = "PENDING_EXPIRATION";
    public static final String PENDING_DISCONNECT = "PENDING_DISCONNECT";
    public static final String NEW_ACCOUNTS_AVAILABLE = "NEW_ACCOUNTS_AVAILABLE";
    public static final String USER_PERMISSION_REVOKED = "USER_PERMISSION_REVOKED";
    public static final String USER_ACCOUNT_REVOKED = "USER_ACCOUNT_REVOKED";
    public static final String WEBHOOK_UPDATE_ACKNOWLEDGED = "WEBHOOK_UPDATE_ACKNOWLEDGED";

    private WebhookCodes() {
    }
}
