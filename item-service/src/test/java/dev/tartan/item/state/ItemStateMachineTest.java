package dev.tartan.item.state;

import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.relink.RelinkReason;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

/** The transition table, row by row (docs/services/item-service.md). */
class ItemStateMachineTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    final AtomicInteger seq = new AtomicInteger();
    final ItemStateMachine sm = new ItemStateMachine(new ItemStateMachine.Policy(
            List.of(Duration.ofDays(1), Duration.ofDays(2), Duration.ofDays(4)),
            Set.of("ITEM_LOCKED", "INVALID_CREDENTIALS"), Duration.ofHours(24)), () -> "relink-" + seq.incrementAndGet());

    static final ItemErrorState LOGIN = new ItemErrorState("ITEM_ERROR", "ITEM_LOGIN_REQUIRED", "OAUTH_INVALID_TOKEN");

    ItemState healthy() {
        return ItemState.linked(T0);
    }

    static Instant at(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    @Test
    void loginRequiredBreaksTheItemAndAsksForLoginUpdateMode() {
        Transition t = sm.apply(healthy(), Signal.Webhook.error(LOGIN, at(1)));
        assertEquals(ItemStatus.LOGIN_REQUIRED, t.next().status());
        assertEquals(LOGIN, t.next().error());
        assertEquals(at(1), t.next().errorSince());
        assertEquals(2, t.effects().size());
        assertEquals(new Effect.StatusChanged(ItemStatus.HEALTHY, ItemStatus.LOGIN_REQUIRED, LOGIN, "ERROR"), t.effects().get(0));
        RelinkEpisode e = ((Effect.RelinkRequested) t.effects().get(1)).episode();
        assertEquals(UpdateMode.LOGIN, e.mode());
        assertEquals(RelinkReason.ITEM_LOGIN_REQUIRED, e.reason());
        assertEquals("ITEM_LOGIN_REQUIRED", e.errorCode());
        assertEquals(at(1).plus(Duration.ofDays(1)), e.nextReminderAt());
    }

    @Test
    void aRepeatedErrorChangesNothingAndEmitsNothing() {
        ItemState broken = sm.apply(healthy(), Signal.Webhook.error(LOGIN, at(1))).next();
        Transition again = sm.apply(broken, Signal.Webhook.error(LOGIN, at(5)));
        assertSame(broken, again.next());
        assertTrue(again.effects().isEmpty());
        assertFalse(again.needsVerification());
    }

    @Test
    void anotherErrorCodeKeepsTheEpisodeAndTheErrorSinceButReportsTheChange() {
        ItemState broken = sm.apply(healthy(), Signal.Webhook.error(LOGIN, at(1))).next();
        ItemErrorState locked = new ItemErrorState("ITEM_ERROR", "ITEM_LOCKED", null);
        Transition t = sm.apply(broken, Signal.Webhook.error(locked, at(10)));
        assertEquals(ItemStatus.ERROR, t.next().status());
        assertEquals(at(1), t.next().errorSince());
        assertEquals(broken.relink().id(), t.next().relink().id());
        assertEquals(RelinkReason.ITEM_ERROR, t.next().relink().reason());
        assertInstanceOf(Effect.StatusChanged.class, t.effects().get(0));
        assertInstanceOf(Effect.RelinkRequested.class, t.effects().get(1));
    }

    @Test
    void anErrorUpdateModeCannotFixOpensNoRelink() {
        ItemErrorState down = new ItemErrorState("INSTITUTION_ERROR", "INSTITUTION_DOWN", null);
        Transition t = sm.apply(healthy(), Signal.Webhook.error(down, at(1)));
        assertEquals(ItemStatus.ERROR, t.next().status());
        assertNull(t.next().relink());
        assertEquals(1, t.effects().size());
    }

    @Test
    void loginRepairedHealsAndResolves() {
        ItemState broken = sm.apply(healthy(), Signal.Webhook.error(LOGIN, at(1))).next();
        Transition t = sm.apply(broken, Signal.Webhook.of(WebhookCodes.LOGIN_REPAIRED, at(30)));
        assertEquals(ItemStatus.HEALTHY, t.next().status());
        assertNull(t.next().error());
        assertNull(t.next().errorSince());
        assertNull(t.next().relink());
        assertEquals(at(30), t.next().lastRecoveredAt());
        assertEquals(List.of(new Effect.StatusChanged(ItemStatus.LOGIN_REQUIRED, ItemStatus.HEALTHY, null, "LOGIN_REPAIRED"),
                new Effect.RelinkResolved(broken.relink().id(), "LOGIN_REPAIRED")), t.effects());
        // repeated
        Transition again = sm.apply(t.next(), Signal.Webhook.of(WebhookCodes.LOGIN_REPAIRED, at(31)));
        assertTrue(again.effects().isEmpty());
        assertSame(t.next(), again.next());
    }

    @Test
    void aLateErrorAfterARepairIsVerifiedNotApplied() {
        ItemState broken = sm.apply(healthy(), Signal.Webhook.error(LOGIN, at(1))).next();
        ItemState repaired = sm.apply(broken, Signal.Webhook.of(WebhookCodes.LOGIN_REPAIRED, at(30))).next();
        Transition late = sm.apply(repaired, Signal.Webhook.error(LOGIN, at(40)));
        assertTrue(late.needsVerification());
        assertSame(repaired, late.next());
        assertTrue(late.effects().isEmpty());
        // once the contradiction window has passed, an error is simply new
        Transition fresh = sm.apply(repaired, Signal.Webhook.error(LOGIN, at(30).plus(Duration.ofHours(25))));
        assertFalse(fresh.needsVerification());
        assertEquals(ItemStatus.LOGIN_REQUIRED, fresh.next().status());
    }

    @Test
    void loginRepairedForAnItemInAnotherErrorIsVerified() {
        ItemState broken = sm.apply(healthy(), Signal.Webhook.error(new ItemErrorState("INSTITUTION_ERROR", "INSTITUTION_DOWN", null), at(1))).next();
        assertTrue(sm.apply(broken, Signal.Webhook.of(WebhookCodes.LOGIN_REPAIRED, at(2))).needsVerification());
    }

    @Test
    void reconciliationAppliesWhatPlaidSays() {
        ItemState broken = sm.apply(healthy(), Signal.Webhook.error(LOGIN, at(1))).next();
        Transition healed = sm.apply(broken, new Signal.Reconciled(null, null, at(5)));
        assertEquals(ItemStatus.HEALTHY, healed.next().status());
        assertEquals(new Effect.RelinkResolved(broken.relink().id(), "RECONCILIATION"), healed.effects().get(1));
        Transition stillBroken = sm.apply(broken, new Signal.Reconciled(LOGIN, null, at(5)));
        assertTrue(stillBroken.effects().isEmpty());
        Transition nowBroken = sm.apply(healed.next(), new Signal.Reconciled(LOGIN, null, at(6)));
        assertEquals(ItemStatus.LOGIN_REQUIRED, nowBroken.next().status(), "no contradiction check for Plaid's own answer");
    }

    @Test
    void pendingExpirationWarnsWithADeadlineOnce() {
        Instant expires = at(7 * 24 * 60);
        Signal.Webhook w = new Signal.Webhook(WebhookCodes.PENDING_EXPIRATION, null, expires, null, null, null, at(1));
        Transition t = sm.apply(healthy(), w);
        assertEquals(ItemStatus.PENDING_EXPIRATION, t.next().status());
        assertEquals(expires, t.next().consentExpiresAt());
        RelinkEpisode e = ((Effect.RelinkRequested) t.effects().get(1)).episode();
        assertEquals(RelinkReason.PENDING_EXPIRATION, e.reason());
        assertEquals(expires, e.deadline());
        assertTrue(sm.apply(t.next(), w).effects().isEmpty());
        // then the login breaks: same episode, stronger reason, re-emitted
        Transition broke = sm.apply(t.next(), Signal.Webhook.error(LOGIN, at(2)));
        assertEquals(e.id(), broke.next().relink().id());
        assertEquals(RelinkReason.ITEM_LOGIN_REQUIRED, broke.next().relink().reason());
        // update mode fixes it
        Transition fixed = sm.apply(broke.next(), new Signal.UpdateCompleted(UpdateMode.LOGIN, at(3)));
        assertEquals(ItemStatus.HEALTHY, fixed.next().status());
        assertEquals(new Effect.RelinkResolved(e.id(), "UPDATE_MODE"), fixed.effects().get(1));
    }

    @Test
    void pendingDisconnectRecordsTimeAndReason() {
        Instant when = at(10_000);
        Transition t = sm.apply(healthy(), new Signal.Webhook(WebhookCodes.PENDING_DISCONNECT, null, null, when,
                "INSTITUTION_MIGRATION", null, at(1)));
        assertEquals(ItemStatus.PENDING_DISCONNECT, t.next().status());
        assertEquals(when, t.next().pendingDisconnectAt());
        assertEquals("INSTITUTION_MIGRATION", t.next().pendingDisconnectReason());
        assertEquals(RelinkReason.PENDING_DISCONNECT, t.next().relink().reason());
    }

    @Test
    void aWarningForABrokenItemIsRecordedButChangesNoStatus() {
        ItemState broken = sm.apply(healthy(), Signal.Webhook.error(LOGIN, at(1))).next();
        Transition t = sm.apply(broken, new Signal.Webhook(WebhookCodes.PENDING_EXPIRATION, null, at(99), null, null, null, at(2)));
        assertEquals(ItemStatus.LOGIN_REQUIRED, t.next().status());
        assertEquals(at(99), t.next().consentExpiresAt());
        assertTrue(t.effects().isEmpty());
    }

    @Test
    void newAccountsAskForAccountSelectionAndWaitBehindALoginFix() {
        Transition t = sm.apply(healthy(), Signal.Webhook.of(WebhookCodes.NEW_ACCOUNTS_AVAILABLE, at(1)));
        assertEquals(ItemStatus.HEALTHY, t.next().status());
        RelinkEpisode e = ((Effect.RelinkRequested) t.effects().get(0)).episode();
        assertEquals(UpdateMode.ACCOUNT_SELECTION, e.mode());
        assertTrue(sm.apply(t.next(), Signal.Webhook.of(WebhookCodes.NEW_ACCOUNTS_AVAILABLE, at(2))).effects().isEmpty());

        // login breaks meanwhile: the episode escalates to LOGIN
        Transition broke = sm.apply(t.next(), Signal.Webhook.error(LOGIN, at(3)));
        assertEquals(UpdateMode.LOGIN, broke.next().relink().mode());
        // repaired outside update mode: login episode resolved, account selection asked again
        Transition repaired = sm.apply(broke.next(), Signal.Webhook.of(WebhookCodes.LOGIN_REPAIRED, at(4)));
        assertEquals(3, repaired.effects().size());
        assertEquals(UpdateMode.ACCOUNT_SELECTION, ((Effect.RelinkRequested) repaired.effects().get(2)).episode().mode());
        // account selection done
        Transition done = sm.apply(repaired.next(), new Signal.UpdateCompleted(UpdateMode.ACCOUNT_SELECTION, at(5)));
        assertFalse(done.next().newAccountsPending());
        assertNull(done.next().relink());
        assertInstanceOf(Effect.RelinkResolved.class, done.effects().get(0));
    }

    @Test
    void loginUpdateDoesNotSatisfyAnAccountSelectionEpisode() {
        ItemState s = sm.apply(healthy(), Signal.Webhook.of(WebhookCodes.NEW_ACCOUNTS_AVAILABLE, at(1))).next();
        Transition t = sm.apply(s, new Signal.UpdateCompleted(UpdateMode.LOGIN, at(2)));
        assertTrue(t.effects().isEmpty());
        assertNotNull(t.next().relink());
    }

    @Test
    void permissionRevoked() {
        Transition t = sm.apply(healthy(), Signal.Webhook.of(WebhookCodes.USER_PERMISSION_REVOKED, at(1)));
        assertEquals(ItemStatus.REVOKED, t.next().status());
        assertEquals("USER_PERMISSION_REVOKED", t.next().error().code());
        assertEquals(RelinkReason.USER_PERMISSION_REVOKED, t.next().relink().reason());
        assertTrue(sm.apply(t.next(), Signal.Webhook.of(WebhookCodes.USER_PERMISSION_REVOKED, at(2))).effects().isEmpty());
    }

    @Test
    void accountRevokedOncePerAccount() {
        Signal.Webhook w = new Signal.Webhook(WebhookCodes.USER_ACCOUNT_REVOKED, null, null, null, null, "acc-1", at(1));
        Transition t = sm.apply(healthy(), w);
        assertEquals(Set.of("acc-1"), t.next().revokedAccountIds());
        assertEquals(List.of(new Effect.AccountsRevoked(List.of("acc-1"), "USER_ACCOUNT_REVOKED")), t.effects());
        assertTrue(sm.apply(t.next(), w).effects().isEmpty());
        assertEquals(ItemStatus.HEALTHY, t.next().status());
    }

    @Test
    void webhookUpdateAcknowledgedAndUnknownCodesChangeNothing() {
        assertTrue(sm.apply(healthy(), Signal.Webhook.of(WebhookCodes.WEBHOOK_UPDATE_ACKNOWLEDGED, at(1))).effects().isEmpty());
        assertTrue(sm.apply(healthy(), Signal.Webhook.of("SOMETHING_NEW", at(1))).effects().isEmpty());
    }

    @Test
    void updateCompletedOlderThanTheErrorIsVerified() {
        ItemState broken = sm.apply(healthy(), Signal.Webhook.error(LOGIN, at(10))).next();
        assertTrue(sm.apply(broken, new Signal.UpdateCompleted(UpdateMode.LOGIN, at(5))).needsVerification());
    }

    @Test
    void remindersFollowTheScheduleAndTheLastIntervalRepeats() {
        ItemState s = sm.apply(healthy(), Signal.Webhook.error(LOGIN, T0)).next();
        assertTrue(sm.remind(s, T0.plus(Duration.ofHours(23))).effects().isEmpty());
        Instant now = T0.plus(Duration.ofDays(1));
        for (int n = 1; n <= 4; n++) {
            Transition t = sm.remind(s, now);
            RelinkEpisode e = ((Effect.RelinkReminder) t.effects().get(0)).episode();
            assertEquals(n, e.remindersSent());
            s = t.next();
            Duration expected = List.of(Duration.ofDays(2), Duration.ofDays(4), Duration.ofDays(4), Duration.ofDays(4)).get(n - 1);
            assertEquals(now.plus(expected), e.nextReminderAt());
            assertTrue(sm.remind(s, now).effects().isEmpty(), "no second reminder at the same time");
            now = e.nextReminderAt();
        }
    }

    @Test
    void removalIsTerminal() {
        ItemState broken = sm.apply(healthy(), Signal.Webhook.error(LOGIN, at(1))).next();
        Transition t = sm.apply(broken, new Signal.Removed(at(2)));
        assertEquals(ItemStatus.REMOVED, t.next().status());
        assertEquals(new Effect.RelinkResolved(broken.relink().id(), "ITEM_REMOVED"), t.effects().get(1));
        assertTrue(sm.apply(t.next(), Signal.Webhook.of(WebhookCodes.LOGIN_REPAIRED, at(3))).effects().isEmpty());
        assertTrue(sm.remind(t.next(), at(10_000)).effects().isEmpty());
    }
}
