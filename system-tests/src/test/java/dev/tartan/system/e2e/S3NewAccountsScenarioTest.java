package dev.tartan.system.e2e;

import static dev.tartan.system.e2e.E2e.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.relink.RelinkReason;
import dev.tartan.contracts.relink.RelinkRequested;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Journey;

/** Scenario 3: NEW_ACCOUNTS_AVAILABLE leads to an update-mode Link token with account selection enabled. */
@Order(3)
@Tag("e2e")
class S3NewAccountsScenarioTest {

    @Test
    void newAccountsAvailableGivesAnAccountSelectionUpdateToken() {
        Journey j = E2e.journey();
        EventWatch w = E2e.watch();
        String user = E2e.user("s3");
        String itemId = j.linkBank(user, Journey.DEFAULT_INSTITUTION, List.of("0000"), List.of("auth")).itemId();
        j.awaitItemStatus(user, itemId, "HEALTHY", WAIT);

        j.fireItemWebhook(itemId, "NEW_ACCOUNTS_AVAILABLE", null);
        RelinkRequested rr = w.await(EventTypes.RELINK_REQUESTED, itemId, WAIT).data(EventTypes.RELINK_REQUESTED);
        assertEquals(UpdateMode.ACCOUNT_SELECTION, rr.mode());
        assertEquals(RelinkReason.NEW_ACCOUNTS_AVAILABLE, rr.reason());

        JsonNode prompt = S2BreakAndRepairScenarioTest.awaitPrompt(j, user, itemId);
        assertEquals("ACCOUNT_SELECTION", prompt.path("mode").asText(), prompt.toString());
        assertTrue(prompt.path("account_selection_required").asBoolean(), prompt.toString());

        JsonNode token = j.updateModeToken(user, itemId);
        assertEquals("ACCOUNT_SELECTION", token.path("update_mode").asText(), token.toString());
        assertTrue(token.path("account_selection_enabled").asBoolean(), token.toString());

        // the user shares the new account too: the Item's accounts change, the re-link is resolved
        j.completeUpdate(user, itemId, token.path("link_token").asText(), List.of("0000", "1111"));
        w.await(EventTypes.RELINK_RESOLVED, itemId, WAIT);
        w.await(EventTypes.ITEM_ACCOUNTS_CHANGED, itemId, WAIT);
        JsonNode item = j.awaitItemStatus(user, itemId, "HEALTHY", WAIT);
        assertEquals(List.of("0000", "1111"), Journey.texts(item.path("accounts"), "mask"), item.toString());
    }
}
