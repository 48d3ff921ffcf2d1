package dev.tartan.system.e2e;

import static dev.tartan.system.e2e.E2e.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.churn.ChurnRemovalRequested;
import dev.tartan.contracts.churn.RemovalReason;
import dev.tartan.contracts.item.ItemRemoved;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Journey;

/**
 * Scenario 4: churn with the shortened policy of {@link E2e} (inactivity {@value E2e#INACTIVITY_SECONDS} s).
 * <ul>
 * <li>An inactive user's Item (no recurring-billed product: removed at once) gets {@code churn-removal}, is removed
 * at the emulator, and {@code item.removed} is published.</li>
 * <li>An inactive user's Item with Transactions (billed monthly, so its removal waits for the month-end window: the
 * deadline) gets {@code churn-removal}; the user comes back before the deadline and the removal is cancelled.</li>
 * <li>An active user's Item is never selected.</li>
 * </ul>
 */
@Order(4)
@Tag("e2e")
class S4ChurnScenarioTest {

    @Test
    void inactiveItemIsRemovedAndActivityBeforeTheDeadlineCancelsRemoval() {
        Journey j = E2e.journey();
        EventWatch w = E2e.watch();
        String gone = E2e.user("s4-gone");
        String back = E2e.user("s4-back");
        String active = E2e.user("s4-active");
        Instant beforeLinking = Instant.now();
        String goneItem = j.linkBank(gone, Journey.DEFAULT_INSTITUTION, List.of("0000"), List.of("auth")).itemId();
        String backItem = j.linkBank(back, "ins_109511", List.of("0000"), List.of("transactions")).itemId();
        String activeItem = j.linkBank(active, "ins_109512", List.of("0000"), List.of("auth")).itemId();
        j.awaitItemStatus(gone, goneItem, "HEALTHY", WAIT);
        j.awaitItemStatus(back, backItem, "HEALTHY", WAIT);
        j.awaitItemStatus(active, activeItem, "HEALTHY", WAIT);

        // the active user uses the app every few seconds until the others have been selected
        Duration churnWait = Duration.ofSeconds(E2e.INACTIVITY_SECONDS).plus(WAIT);
        long deadline = System.nanoTime() + churnWait.toNanos();
        EventWatch.Seen goneCmd = null;
        EventWatch.Seen backCmd = null;
        while ((goneCmd == null || backCmd == null) && System.nanoTime() < deadline) {
            j.recordActivity(active);
            goneCmd = first(w, goneItem);
            backCmd = first(w, backItem);
            TartanSleep.quiet(Duration.ofSeconds(3));
        }
        assertTrue(goneCmd != null && backCmd != null, "churn-removal for both inactive Items within " + churnWait
                + "; seen: " + w.summary());

        ChurnRemovalRequested goneRemoval = goneCmd.data(EventTypes.CHURN_REMOVAL_REQUESTED);
        assertEquals(RemovalReason.INACTIVITY, goneRemoval.reason());
        assertEquals(gone, goneRemoval.clientUserId());
        assertTrue(!goneCmd.receivedAt().isBefore(beforeLinking.plusSeconds(E2e.INACTIVITY_SECONDS - 1)),
                "not selected before the inactivity threshold (linked after " + beforeLinking + ", selected "
                        + goneCmd.receivedAt() + ")");

        ItemRemoved removed = w.await(EventTypes.ITEM_REMOVED, goneItem, WAIT).data(EventTypes.ITEM_REMOVED);
        assertEquals(gone, removed.clientUserId());
        assertEquals("REMOVED", j.emulatorItem(goneItem).path("status").asText(), "removed at Plaid (emulator)");
        j.awaitItemStatus(gone, goneItem, "REMOVED", WAIT);

        // Transactions Item: scheduled for the month-end window, the user comes back before it
        ChurnRemovalRequested backRemoval = backCmd.data(EventTypes.CHURN_REMOVAL_REQUESTED);
        assertEquals(RemovalReason.INACTIVITY, backRemoval.reason());
        boolean deferred = backRemoval.scheduledFor().isAfter(Instant.now().plusSeconds(60));
        if (deferred) {
            j.recordActivity(back);
            JsonNode item = awaitNoRemoval(j, back, backItem);
            assertEquals("HEALTHY", item.path("status").asText());
            TartanSleep.quiet(Duration.ofSeconds(3));
            assertEquals("HEALTHY", j.emulatorItem(backItem).path("status").asText(), "still linked at Plaid");
            assertTrue(w.of(EventTypes.ITEM_REMOVED, backItem).isEmpty(), "no item.removed for the returning user");
        } else {
            System.out.println("month-end window already open: the Transactions Item is removed at once, the"
                    + " cancellation variant cannot be shown today");
        }

        assertTrue(w.of(EventTypes.CHURN_REMOVAL_REQUESTED, activeItem).isEmpty(), "active user's Item never selected");
        assertEquals(1, w.of(EventTypes.CHURN_REMOVAL_REQUESTED, goneItem).size(), "churn-removal exactly once");
        assertEquals(1, w.of(EventTypes.ITEM_REMOVED, goneItem).size(), "item.removed exactly once");
        assertFalse(j.itemView(active, activeItem).path("status").asText().equals("REMOVED"));
    }

    /** The app asks for a removal (the user closed the account): the same machinery, at once (urgent). */
    @Test
    void removalRequestedByTheAppRemovesTheItemAtPlaid() {
        Journey j = E2e.journey();
        EventWatch w = E2e.watch();
        String user = E2e.user("s4-closed");
        String itemId = j.linkBank(user, Journey.DEFAULT_INSTITUTION, List.of("0000"), List.of("transactions")).itemId();
        j.awaitItemStatus(user, itemId, "HEALTHY", WAIT);

        j.requestRemoval(user, itemId, "USER_REQUEST");
        ChurnRemovalRequested cmd = w.await(EventTypes.CHURN_REMOVAL_REQUESTED, itemId, WAIT)
                .data(EventTypes.CHURN_REMOVAL_REQUESTED);
        assertEquals(RemovalReason.USER_REQUEST, cmd.reason());
        assertTrue(cmd.urgent(), "a user's request is not deferred to the month end");
        w.await(EventTypes.ITEM_REMOVED, itemId, WAIT);
        assertEquals("REMOVED", j.emulatorItem(itemId).path("status").asText());
        j.awaitItemStatus(user, itemId, "REMOVED", WAIT);
    }

    private static EventWatch.Seen first(EventWatch w, String itemId) {
        List<EventWatch.Seen> l = w.of(EventTypes.CHURN_REMOVAL_REQUESTED, itemId);
        return l.isEmpty() ? null : l.get(0);
    }

    private static JsonNode awaitNoRemoval(Journey j, String user, String itemId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode item = null;
        while (System.nanoTime() < deadline) {
            item = j.itemView(user, itemId);
            if (item.path("removal").isNull() || item.path("removal").isMissingNode()) {
                return item;
            }
            TartanSleep.quiet(Duration.ofMillis(300));
        }
        throw new AssertionError("removal of " + itemId + " not cancelled by activity: " + item);
    }
}
