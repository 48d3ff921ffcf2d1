package dev.tartan.beacon.user;

import java.util.Locale;

/** Plaid's {@code BeaconUserStatus}. */
public enum BeaconStatus {
    PENDING_REVIEW, CLEARED, REJECTED;

    /** Plaid's wire value, e.g. {@code pending_review}. */
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses Plaid's value; {@code null} for anything not (yet) known. */
    public static BeaconStatus fromWire(String value) {
        if (value == null) {
            return null;
        }
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
