package dev.tartan.plaid.gateway.ratelimit;

/** Calls allowed per window (a minute in production) to one endpoint; 0 means no client-side limit. */
public record RateLimit(int perClient, int perItem) {

    public static final RateLimit NONE = new RateLimit(0, 0);

    public RateLimit {
        if (perClient < 0 || perItem < 0) {
            throw new IllegalArgumentException("rate limits cannot be negative: " + perClient + "/" + perItem);
        }
    }

    public boolean isUnlimited() {
        return perClient == 0 && perItem == 0;
    }
}
