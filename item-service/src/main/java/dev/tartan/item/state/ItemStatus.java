package dev.tartan.item.state;

/**
 * Where an Item stands. One status at a time; what the user must do about it (the re-link
 * episode) is kept beside it in {@link ItemState#relink()}.
 */
public enum ItemStatus {
    /** Works; data can be fetched. */
    HEALTHY,
    /** Plaid warned that consent expires soon (EU/UK, {@code PENDING_EXPIRATION}); still works until then. */
    PENDING_EXPIRATION,
    /** Plaid warned that the Item will be disconnected soon (US/CA, {@code PENDING_DISCONNECT}); still works until then. */
    PENDING_DISCONNECT,
    /** {@code ITEM_LOGIN_REQUIRED}: the user must re-authenticate in update mode. */
    LOGIN_REQUIRED,
    /** Any other Item error (institution down, locked, ...). Some are fixed by update mode, some by time. */
    ERROR,
    /** The user revoked Plaid's permission ({@code USER_PERMISSION_REVOKED}). */
    REVOKED,
    /** Removed at Plaid (or Plaid no longer knew it). Terminal: the access token is deleted. */
    REMOVED;

    /** Works now (possibly with a warning). */
    public boolean working() {
        return this == HEALTHY || this == PENDING_EXPIRATION || this == PENDING_DISCONNECT;
    }

    /** Broken until something (the user, the institution, Plaid) fixes it. */
    public boolean broken() {
        return this == LOGIN_REQUIRED || this == ERROR || this == REVOKED;
    }
}
