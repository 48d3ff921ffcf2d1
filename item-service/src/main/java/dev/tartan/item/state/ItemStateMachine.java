package dev.tartan.item.state;

import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.relink.RelinkReason;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The Item state machine: a pure function from (state, signal) to (next state, effects). The table
 * it implements is documented in {@code docs/services/item-service.md} and in the service README;
 * keep the three in step. Rules that hold everywhere:
 * <ul>
 *   <li><b>Idempotent on state:</b> a signal that would leave the state as it is emits nothing (a repeated
 *       {@code ERROR} for an Item already in that error, a second {@code LOGIN_REPAIRED}, ...).</li>
 *   <li><b>Contradictions are verified, not applied:</b> a webhook that would break an Item that recovered within
 *       {@link Policy#contradictionWindow()} (Plaid retries a delivery for 24 h, so it may be an old one), a
 *       {@code LOGIN_REPAIRED} for an Item that is not in {@code ITEM_LOGIN_REQUIRED}, or an update-mode completion
 *       older than the error it would clear, asks for {@code /item/get}; its answer is applied as
 *       {@link Signal.Reconciled}.</li>
 *   <li>A removed Item ignores everything.</li>
 * </ul>
 */
public final class ItemStateMachine {

    /**
     * The knobs of the state machine.
     *
     * @param reminderIntervals   delay before the first reminder, then between reminders; the last one repeats
     * @param loginFixableErrors  error codes (besides ITEM_LOGIN_REQUIRED) that update mode fixes, so they open a re-link
     * @param contradictionWindow how long after a recovery a degrading webhook is checked with Plaid first
     */
    public record Policy(List<Duration> reminderIntervals, Set<String> loginFixableErrors, Duration contradictionWindow) {
        public Policy {
            if (reminderIntervals == null || reminderIntervals.isEmpty()) {
                throw new IllegalArgumentException("at least one reminder interval is needed");
            }
            reminderIntervals = List.copyOf(reminderIntervals);
            loginFixableErrors = Set.copyOf(loginFixableErrors);
        }

        public Duration reminderInterval(int remindersSent) {
            return reminderIntervals.get(Math.min(remindersSent, reminderIntervals.size() - 1));
        }
    }

    private final Policy policy;
    private final Supplier<String> ids;

    public ItemStateMachine(Policy policy, Supplier<String> episodeIds) {
        this.policy = Objects.requireNonNull(policy);
        this.ids = Objects.requireNonNull(episodeIds);
    }

    public Policy policy() {
        return policy;
    }

    public Transition apply(ItemState state, Signal signal) {
        if (state.status() == ItemStatus.REMOVED) {
            return Transition.unchanged(state);
        }
        return switch (signal) {
            case Signal.Webhook w -> webhook(state, w);
            case Signal.UpdateCompleted u -> updateCompleted(state, u);
            case Signal.Reconciled r -> reconciled(state, r);
            case Signal.Removed r -> removed(state, r);
        };
    }

    /** The reminder due now for the open episode, if any. */
    public Transition remind(ItemState state, Instant now) {
        RelinkEpisode episode = state.relink();
        if (state.status() == ItemStatus.REMOVED || episode == null || episode.nextReminderAt() == null
                || episode.nextReminderAt().isAfter(now)) {
            return Transition.unchanged(state);
        }
        RelinkEpisode reminded = episode.reminded(now.plus(policy.reminderInterval(episode.remindersSent() + 1)));
        return new Transition(state.withRelink(reminded), List.of(new Effect.RelinkReminder(reminded)), null);
    }

    // ---- webhooks ---------------------------------------------------------------------------------------------

    private Transition webhook(ItemState s, Signal.Webhook w) {
        return switch (w.code()) {
            case WebhookCodes.ERROR -> error(s, w);
            case WebhookCodes.LOGIN_REPAIRED -> loginRepaired(s, w);
            case WebhookCodes.PENDING_EXPIRATION -> pendingExpiration(s, w);
            case WebhookCodes.PENDING_DISCONNECT -> pendingDisconnect(s, w);
            case WebhookCodes.NEW_ACCOUNTS_AVAILABLE -> newAccounts(s, w.receivedAt());
            case WebhookCodes.USER_PERMISSION_REVOKED -> permissionRevoked(s, w);
            case WebhookCodes.USER_ACCOUNT_REVOKED -> accountRevoked(s, w);
            // WEBHOOK_UPDATE_ACKNOWLEDGED and codes Plaid adds later: recorded by the service, no state change
            default -> Transition.unchanged(s);
        };
    }

    private Transition error(ItemState s, Signal.Webhook w) {
        if (w.error() == null || w.error().code() == null) {
            return Transition.verify(s, "ERROR webhook without an error object");
        }
        if (contradictsRecovery(s, w.receivedAt())) {
            return Transition.verify(s, "ERROR " + w.error().code() + " soon after the Item recovered");
        }
        return applyError(s, w.error(), w.receivedAt(), w.cause());
    }

    private Transition applyError(ItemState s, ItemErrorState error, Instant at, String cause) {
        if (ItemErrorState.PERMISSION_REVOKED.equals(error.code())) {
            return breakItem(s, ItemStatus.REVOKED, error, at, cause, UpdateMode.LOGIN, RelinkReason.USER_PERMISSION_REVOKED);
        }
        if (ItemErrorState.LOGIN_REQUIRED.equals(error.code())) {
            return breakItem(s, ItemStatus.LOGIN_REQUIRED, error, at, cause, UpdateMode.LOGIN, RelinkReason.ITEM_LOGIN_REQUIRED);
        }
        if (policy.loginFixableErrors().contains(error.code())) {
            return breakItem(s, ItemStatus.ERROR, error, at, cause, UpdateMode.LOGIN, RelinkReason.ITEM_ERROR);
        }
        return breakItem(s, ItemStatus.ERROR, error, at, cause, null, null);
    }

    private Transition loginRepaired(ItemState s, Signal.Webhook w) {
        return switch (s.status()) {
            case HEALTHY -> Transition.unchanged(s); // repeated, or already repaired through update mode
            case LOGIN_REQUIRED -> recover(s, w.receivedAt(), w.cause(), "LOGIN_REPAIRED", UpdateMode.LOGIN);
            default -> Transition.verify(s, "LOGIN_REPAIRED while the Item is " + s.status());
        };
    }

    private Transition pendingExpiration(ItemState s, Signal.Webhook w) {
        if (contradictsRecovery(s, w.receivedAt())) {
            return Transition.verify(s, "PENDING_EXPIRATION soon after the Item recovered");
        }
        ItemState next = s.withConsentExpiresAt(w.consentExpiresAt() != null ? w.consentExpiresAt() : s.consentExpiresAt());
        return warn(s, next, ItemStatus.PENDING_EXPIRATION, RelinkReason.PENDING_EXPIRATION, next.consentExpiresAt(), w);
    }

    private Transition pendingDisconnect(ItemState s, Signal.Webhook w) {
        if (contradictsRecovery(s, w.receivedAt())) {
            return Transition.verify(s, "PENDING_DISCONNECT soon after the Item recovered");
        }
        ItemState next = s.withPendingDisconnect(w.disconnectAt() != null ? w.disconnectAt() : s.pendingDisconnectAt(),
                w.disconnectReason() != null ? w.disconnectReason() : s.pendingDisconnectReason());
        return warn(s, next, ItemStatus.PENDING_DISCONNECT, RelinkReason.PENDING_DISCONNECT, next.pendingDisconnectAt(), w);
    }

    /** A warning (pending expiration or disconnect): status changes only from HEALTHY; a broken Item keeps its error. */
    private Transition warn(ItemState before, ItemState s, ItemStatus warning, RelinkReason reason, Instant deadline,
                            Signal.Webhook w) {
        List<Effect> effects = new ArrayList<>();
        ItemState next = s;
        if (s.status() == ItemStatus.HEALTHY) {
            next = s.withStatus(warning, null, w.receivedAt());
            effects.add(new Effect.StatusChanged(s.status(), warning, null, w.cause()));
        }
        if (next.status() == warning) {
            next = demand(next, UpdateMode.LOGIN, reason, null, deadline, w.receivedAt(), effects);
        }
        return next.equals(before) ? Transition.unchanged(before) : new Transition(next, effects, null);
    }

    private Transition newAccounts(ItemState s, Instant at) {
        if (s.newAccountsPending()) {
            return Transition.unchanged(s);
        }
        List<Effect> effects = new ArrayList<>();
        ItemState next = demand(s.withNewAccountsPending(true), UpdateMode.ACCOUNT_SELECTION,
                RelinkReason.NEW_ACCOUNTS_AVAILABLE, null, null, at, effects);
        return new Transition(next, effects, null);
    }

    private Transition permissionRevoked(ItemState s, Signal.Webhook w) {
        if (contradictsRecovery(s, w.receivedAt())) {
            return Transition.verify(s, "USER_PERMISSION_REVOKED soon after the Item recovered");
        }
        ItemErrorState error = w.error() != null ? w.error()
                : new ItemErrorState("ITEM_ERROR", ItemErrorState.PERMISSION_REVOKED, null);
        return breakItem(s, ItemStatus.REVOKED, error, w.receivedAt(), w.cause(), UpdateMode.LOGIN,
                RelinkReason.USER_PERMISSION_REVOKED);
    }

    private Transition accountRevoked(ItemState s, Signal.Webhook w) {
        if (w.accountId() == null || s.revokedAccountIds().contains(w.accountId())) {
            return Transition.unchanged(s);
        }
        return new Transition(s.withRevokedAccount(w.accountId()),
                List.of(new Effect.AccountsRevoked(List.of(w.accountId()), w.cause())), null);
    }

    // ---- other signals ----------------------------------------------------------------------------------------

    private Transition updateCompleted(ItemState s, Signal.UpdateCompleted u) {
        if (s.status().broken() && s.errorSince() != null && u.completedAt().isBefore(s.errorSince())) {
            return Transition.verify(s, "update mode completed before the current error began");
        }
        ItemState cleared = u.mode() == UpdateMode.ACCOUNT_SELECTION ? s.withNewAccountsPending(false) : s;
        return recover(cleared, u.completedAt(), u.cause(), "UPDATE_MODE", u.mode());
    }

    private Transition reconciled(ItemState s, Signal.Reconciled r) {
        ItemState withConsent = s.withConsentExpiresAt(r.consentExpiresAt());
        if (r.error() != null) {
            return applyError(withConsent, r.error(), r.at(), r.cause());
        }
        boolean consentRenewed = s.status() == ItemStatus.PENDING_EXPIRATION
                && (r.consentExpiresAt() == null || (s.consentExpiresAt() != null && r.consentExpiresAt().isAfter(s.consentExpiresAt())));
        if (s.status().broken() || consentRenewed) {
            return recover(withConsent, r.at(), r.cause(), "RECONCILIATION", UpdateMode.LOGIN);
        }
        return withConsent.equals(s) ? Transition.unchanged(s) : new Transition(withConsent, List.of(), null);
    }

    private Transition removed(ItemState s, Signal.Removed r) {
        List<Effect> effects = new ArrayList<>();
        effects.add(new Effect.StatusChanged(s.status(), ItemStatus.REMOVED, null, r.cause()));
        if (s.relink() != null) {
            effects.add(new Effect.RelinkResolved(s.relink().id(), "ITEM_REMOVED"));
        }
        ItemState next = s.withStatus(ItemStatus.REMOVED, null, r.at()).withRelink(null);
        return new Transition(next, effects, null);
    }

    // ---- building blocks --------------------------------------------------------------------------------------

    /** A webhook that would break or warn about an Item that recovered recently may be a late retry. */
    private boolean contradictsRecovery(ItemState s, Instant receivedAt) {
        return s.status() == ItemStatus.HEALTHY && s.lastRecoveredAt() != null
                && receivedAt.isBefore(s.lastRecoveredAt().plus(policy.contradictionWindow()));
    }

    private Transition breakItem(ItemState s, ItemStatus status, ItemErrorState error, Instant at, String cause,
                                 UpdateMode mode, RelinkReason reason) {
        if (s.status() == status && error.sameAs(s.error())) {
            return Transition.unchanged(s); // a repeated delivery
        }
        List<Effect> effects = new ArrayList<>();
        ItemState next = s.withStatus(status, error, at);
        effects.add(new Effect.StatusChanged(s.status(), status, error, cause));
        if (mode != null) {
            next = demand(next, mode, reason, error.code(), null, at, effects);
        }
        return new Transition(next, effects, null);
    }

    /**
     * The Item works again. Resolves the open episode if what was done satisfies it (any update-mode session
     * re-authenticates; only an account-selection session satisfies an account-selection episode), then opens
     * an account-selection episode if new accounts are still waiting.
     */
    private Transition recover(ItemState s, Instant at, String cause, String resolvedBy, UpdateMode satisfied) {
        List<Effect> effects = new ArrayList<>();
        ItemState next = s;
        if (s.status() != ItemStatus.HEALTHY) {
            next = s.recovered(at);
            effects.add(new Effect.StatusChanged(s.status(), ItemStatus.HEALTHY, null, cause));
        }
        RelinkEpisode episode = next.relink();
        if (episode != null && (episode.mode() == satisfied || satisfied == UpdateMode.ACCOUNT_SELECTION
                || episode.mode() == UpdateMode.LOGIN)) {
            effects.add(new Effect.RelinkResolved(episode.id(), resolvedBy));
            next = next.withRelink(null);
        }
        if (next.newAccountsPending() && next.relink() == null) {
            next = demand(next, UpdateMode.ACCOUNT_SELECTION, RelinkReason.NEW_ACCOUNTS_AVAILABLE, null, null, at, effects);
        }
        return next.equals(s) ? Transition.unchanged(s) : new Transition(next, effects, null);
    }

    /**
     * Ask the user for update mode: opens an episode, or changes the open one's demand (same episode id, the
     * command is re-emitted) when the new demand is stronger (LOGIN over ACCOUNT_SELECTION) or a different
     * LOGIN reason. An identical demand emits nothing.
     */
    private ItemState demand(ItemState s, UpdateMode mode, RelinkReason reason, String errorCode, Instant deadline,
                             Instant at, List<Effect> effects) {
        RelinkEpisode open = s.relink();
        if (open == null) {
            RelinkEpisode episode = new RelinkEpisode(ids.get(), mode, reason, errorCode, deadline, at, 0,
                    at.plus(policy.reminderInterval(0)));
            effects.add(new Effect.RelinkRequested(episode));
            return s.withRelink(episode);
        }
        if (open.sameDemand(mode, reason, errorCode)) {
            return s;
        }
        if (mode == UpdateMode.ACCOUNT_SELECTION && open.mode() != UpdateMode.ACCOUNT_SELECTION) {
            return s; // login first; newAccountsPending reopens account selection once the login is fixed
        }
        RelinkEpisode escalated = open.escalate(mode, reason, errorCode, deadline);
        effects.add(new Effect.RelinkRequested(escalated));
        return s.withRelink(escalated);
    }
}
