package dev.tartan.item.state;

import java.util.List;

/**
 * The result of applying a signal: the next state and what it causes, or a request to check with
 * {@code /item/get} first (then nothing is applied).
 *
 * @param verifyReason non-null when the signal contradicts what is known and must be checked with Plaid
 */
public record Transition(ItemState next, List<Effect> effects, String verifyReason) {

    public static Transition unchanged(ItemState state) {
        return new Transition(state, List.of(), null);
    }

    public static Transition verify(ItemState state, String why) {
        return new Transition(state, List.of(), why);
    }

    public boolean needsVerification() {
        return verifyReason != null;
    }

    public boolean changed(ItemState before) {
        return !next.equals(before);
    }
}
