package dev.tartan.contracts.relink;

/** Why a user is asked to go through update mode. */
public enum RelinkReason {
    ITEM_LOGIN_REQUIRED,
    /** EU/UK consent expires in 7 days. */
    PENDING_EXPIRATION,
    /** US/CA Item will be disconnected (institution migration or token expiry). */
    PENDING_DISCONNECT,
    NEW_ACCOUNTS_AVAILABLE,
    USER_PERMISSION_REVOKED,
    /** Any other ITEM_ERROR that update mode fixes. */
    ITEM_ERROR,
    /** A product needs consent the Item does not have (Identity, Auth). */
    PRODUCT_PERMISSIONS_REQUIRED
}
