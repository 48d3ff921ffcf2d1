package dev.tartan.contracts.link;

/** What an update-mode Link session must do for an Item. */
public enum UpdateMode {
    /** Re-authenticate: ITEM_LOGIN_REQUIRED, pending expiration or disconnect, revoked permission. */
    LOGIN,
    /** Let the user pick accounts again ({@code update.account_selection_enabled}). */
    ACCOUNT_SELECTION,
    /** Collect consent for a product the Item lacks (e.g. Identity after PRODUCT_PERMISSIONS_REQUIRED). */
    PRODUCT_CONSENT
}
