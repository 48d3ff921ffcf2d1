package dev.tartan.item.state;

import dev.tartan.contracts.item.ItemError;

/** The error an Item currently carries (type, code, reason) as Plaid reported it. */
public record ItemErrorState(String type, String code, String reason) {

    public static final String LOGIN_REQUIRED = "ITEM_LOGIN_REQUIRED";
    public static final String PERMISSION_REVOKED = "USER_PERMISSION_REVOKED";

    public ItemError toContract() {
        return new ItemError(type, code, reason);
    }

    public boolean sameAs(ItemErrorState other) {
        return other != null && java.util.Objects.equals(code, other.code) && java.util.Objects.equals(reason, other.reason)
                && java.util.Objects.equals(type, other.type);
    }
}
