package dev.tartan.plaid.gateway;

/**
 * The Plaid endpoints Tartan calls, each with whether it takes an access token and its default
 * client-side rate limits (calls per minute; 0 = no client-side limit).
 *
 * <p>Defaults are Plaid's published production limits (REFERENCE 4.4, "not exhaustive, may differ per
 * customer, may change"). Endpoints Plaid publishes no figure for get none here: a 429 from Plaid is
 * still retried with back-off. Override any of them with {@code tartan.plaid.rate-limits."<path>".*}.
 */
public enum PlaidEndpoint {

    LINK_TOKEN_CREATE("/link/token/create", AccessToken.OPTIONAL, 0, 0), // access token only in update mode
    LINK_TOKEN_GET("/link/token/get", AccessToken.NONE, 0, 0),
    ITEM_PUBLIC_TOKEN_EXCHANGE("/item/public_token/exchange", AccessToken.NONE, 0, 0),
    ITEM_GET("/item/get", AccessToken.REQUIRED, 5_000, 15),
    ITEM_REMOVE("/item/remove", AccessToken.REQUIRED, 2_000, 30),
    ITEM_WEBHOOK_UPDATE("/item/webhook/update", AccessToken.REQUIRED, 0, 0),
    ACCOUNTS_GET("/accounts/get", AccessToken.REQUIRED, 15_000, 15),
    ACCOUNTS_BALANCE_GET("/accounts/balance/get", AccessToken.REQUIRED, 1_200, 5),
    IDENTITY_GET("/identity/get", AccessToken.REQUIRED, 2_000, 15),
    IDENTITY_MATCH("/identity/match", AccessToken.REQUIRED, 0, 0),
    IDENTITY_DOCUMENTS_UPLOADS_GET("/identity/documents/uploads/get", AccessToken.REQUIRED, 0, 0),
    AUTH_GET("/auth/get", AccessToken.REQUIRED, 12_000, 15),
    TRANSACTIONS_SYNC("/transactions/sync", AccessToken.REQUIRED, 2_500, 50),
    PROCESSOR_TOKEN_CREATE("/processor/token/create", AccessToken.REQUIRED, 500, 0),
    // Beacon: user create/update take an optional list of access tokens (one is supported here)
    BEACON_USER_CREATE("/beacon/user/create", AccessToken.OPTIONAL, 0, 0),
    BEACON_USER_GET("/beacon/user/get", AccessToken.NONE, 0, 0),
    BEACON_USER_UPDATE("/beacon/user/update", AccessToken.OPTIONAL, 0, 0),
    BEACON_USER_REVIEW("/beacon/user/review", AccessToken.NONE, 0, 0),
    BEACON_REPORT_CREATE("/beacon/report/create", AccessToken.NONE, 0, 0),
    BEACON_REPORT_GET("/beacon/report/get", AccessToken.NONE, 0, 0),
    BEACON_REPORT_SYNDICATION_GET("/beacon/report_syndication/get", AccessToken.NONE, 0, 0),
    BEACON_DUPLICATE_GET("/beacon/duplicate/get", AccessToken.NONE, 0, 0),
    BEACON_USER_ACCOUNT_INSIGHTS_GET("/beacon/user/account_insights/get", AccessToken.REQUIRED, 0, 0),
    SANDBOX_PUBLIC_TOKEN_CREATE("/sandbox/public_token/create", AccessToken.NONE, 0, 0),
    SANDBOX_ITEM_RESET_LOGIN("/sandbox/item/reset_login", AccessToken.REQUIRED, 0, 0),
    SANDBOX_ITEM_FIRE_WEBHOOK("/sandbox/item/fire_webhook", AccessToken.REQUIRED, 0, 0),
    WEBHOOK_VERIFICATION_KEY_GET("/webhook_verification_key/get", AccessToken.NONE, 0, 0);

    /** Whether an endpoint's request carries an Item's access token. */
    public enum AccessToken {
        /** Call it with {@link PlaidGateway#call}. */
        NONE,
        /** Either way: with {@link PlaidGateway#callWithAccessToken} when a token is part of the request. */
        OPTIONAL,
        /** Only with {@link PlaidGateway#callWithAccessToken}. */
        REQUIRED
    }

    private final String path;
    private final AccessToken accessToken;
    private final int defaultPerClientPerMinute;
    private final int defaultPerItemPerMinute;

    PlaidEndpoint(String path, AccessToken accessToken, int defaultPerClientPerMinute, int defaultPerItemPerMinute) {
        this.path = path;
        this.accessToken = accessToken;
        this.defaultPerClientPerMinute = defaultPerClientPerMinute;
        this.defaultPerItemPerMinute = defaultPerItemPerMinute;
    }

    /** The path as Plaid documents it, e.g. {@code /item/get}: the name in logs, metrics and configuration. */
    public String path() {
        return path;
    }

    public AccessToken accessToken() {
        return accessToken;
    }

    public int defaultPerClientPerMinute() {
        return defaultPerClientPerMinute;
    }

    public int defaultPerItemPerMinute() {
        return defaultPerItemPerMinute;
    }

    public boolean isSandboxOnly() {
        return path.startsWith("/sandbox/");
    }

    /**
     * The endpoint a configuration key names: its path with or without the leading slash
     * ({@code "/item/remove"}, {@code "item/remove"}), its constant name in any case ({@code ITEM_REMOVE},
     * {@code item-remove}), or the dotted form an environment variable produces
     * ({@code TARTAN_PLAID_RATE_LIMITS__ITEM_REMOVE__PER_ITEM_PER_MINUTE} gives {@code item.remove}).
     * Every constant name is its path with {@code /} as {@code _}, which is what makes this work.
     *
     * @throws IllegalArgumentException for a key that names no endpoint
     */
    public static PlaidEndpoint fromConfigKey(String key) {
        String k = key.strip();
        if (k.startsWith("\"") && k.endsWith("\"") && k.length() >= 2) {
            k = k.substring(1, k.length() - 1);
        }
        if (k.startsWith("/")) {
            k = k.substring(1);
        }
        String normalized = k.replace('/', '_').replace('.', '_').replace('-', '_');
        for (PlaidEndpoint endpoint : values()) {
            if (endpoint.name().equalsIgnoreCase(normalized)) {
                return endpoint;
            }
        }
        throw new IllegalArgumentException("'" + key + "' names no Plaid endpoint the gateway knows");
    }

    @Override
    public String toString() {
        return path;
    }
}
