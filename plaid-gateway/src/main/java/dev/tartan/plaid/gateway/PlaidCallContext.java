package dev.tartan.plaid.gateway;

/**
 * Plaid identifiers to log with a call (Plaid support asks for them), and the Item whose per-Item rate
 * limit the call counts against. All optional; none of them is a secret.
 */
public record PlaidCallContext(String itemId, String linkSessionId, String accountId, String clientUserId) {

    private static final PlaidCallContext NONE = new PlaidCallContext(null, null, null, null);

    public static PlaidCallContext none() {
        return NONE;
    }

    public static PlaidCallContext item(String itemId) {
        return new PlaidCallContext(itemId, null, null, null);
    }

    public static PlaidCallContext linkSession(String linkSessionId) {
        return new PlaidCallContext(null, linkSessionId, null, null);
    }

    public static PlaidCallContext user(String clientUserId) {
        return new PlaidCallContext(null, null, null, clientUserId);
    }

    public PlaidCallContext withItemId(String itemId) {
        return new PlaidCallContext(itemId, linkSessionId, accountId, clientUserId);
    }

    public PlaidCallContext withLinkSessionId(String linkSessionId) {
        return new PlaidCallContext(itemId, linkSessionId, accountId, clientUserId);
    }

    public PlaidCallContext withAccountId(String accountId) {
        return new PlaidCallContext(itemId, linkSessionId, accountId, clientUserId);
    }

    public PlaidCallContext withClientUserId(String clientUserId) {
        return new PlaidCallContext(itemId, linkSessionId, accountId, clientUserId);
    }
}
