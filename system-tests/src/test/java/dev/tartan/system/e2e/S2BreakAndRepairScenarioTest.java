package dev.tartan.system.e2e;

import static dev.tartan.system.e2e.E2e.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.relink.RelinkReason;
import dev.tartan.contracts.relink.RelinkRequested;
import dev.tartan.contracts.relink.RelinkResolved;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Journey;

/**
 * Scenario 2: Plaid reports ITEM_LOGIN_REQUIRED by a signed webhook; relink.requested reaches its topic; the user
 * repairs the Item in update mode (or Plaid reports LOGIN_REPAIRED) and relink.resolved follows.
 *
 * <p>The break is Plaid's own sandbox call, {@code /sandbox/item/reset_login} through plaid-java, as an app backend
 * makes it in the sandbox: the emulator puts the Item into ITEM_LOGIN_REQUIRED and delivers the signed ITEM ERROR
 * webhook to ingest over HTTP. The access token it needs comes from the emulator's control API, because Tartan's
 * services by design never hand theirs out.
 */
@Order(2)
@Tag("e2e")
class S2BreakAndRepairScenarioTest {

    static Journey.Linked linkAndBreak(String user) {
        Journey j = E2e.journey();
        EventWatch w = E2e.watch();
        Journey.Linked linked = j.linkBank(user, Journey.DEFAULT_INSTITUTION, List.of("0000"), List.of("auth"));
        j.awaitItemStatus(user, linked.itemId(), "HEALTHY", WAIT);

        JsonNode reset = j.resetLogin(linked.itemId());
        JsonNode delivery = j.awaitDelivered(reset.path("id").asText(), WAIT);
        JsonNode attempts = delivery.path("attempts");
        assertEquals(200, attempts.get(attempts.size() - 1).path("status").asInt(), "ingest accepted the webhook");

        EventWatch.Seen webhook = w.await("ITEM ERROR webhook for " + linked.itemId(),
                s -> s.topic().equals(Topics.PLAID_WEBHOOKS_ITEM) && linked.itemId().equals(s.key()), WAIT);
        assertEquals("plaid.webhook.ITEM.ERROR", webhook.type());

        RelinkRequested rr = w.await(EventTypes.RELINK_REQUESTED, linked.itemId(), WAIT).data(EventTypes.RELINK_REQUESTED);
        assertEquals(linked.itemId(), rr.itemId());
        assertEquals(user, rr.clientUserId());
        assertEquals(UpdateMode.LOGIN, rr.mode());
        assertEquals(RelinkReason.ITEM_LOGIN_REQUIRED, rr.reason());
        assertEquals("ITEM_LOGIN_REQUIRED", rr.errorCode());
        j.awaitItemStatus(user, linked.itemId(), "LOGIN_REQUIRED", WAIT);
        return linked;
    }

    @Test
    void loginRequiredThenUpdateModeResolves() {
        Journey j = E2e.journey();
        EventWatch w = E2e.watch();
        String user = E2e.user("s2");
        Journey.Linked linked = linkAndBreak(user);
        String itemId = linked.itemId();

        JsonNode prompt = awaitPrompt(j, user, itemId);
        assertEquals("LOGIN", prompt.path("mode").asText(), prompt.toString());

        JsonNode token = j.updateModeToken(user, itemId);
        assertEquals("LOGIN", token.path("update_mode").asText(), token.toString());
        assertEquals(itemId, token.path("item_id").asText());

        j.completeUpdate(user, itemId, token.path("link_token").asText(), null);
        w.await(EventTypes.LINK_UPDATE_COMPLETED, itemId, WAIT);
        RelinkResolved resolved = w.await(EventTypes.RELINK_RESOLVED, itemId, WAIT).data(EventTypes.RELINK_RESOLVED);
        assertEquals(user, resolved.clientUserId());
        assertEquals("UPDATE_MODE", resolved.resolvedBy());
        j.awaitItemStatus(user, itemId, "HEALTHY", WAIT);

        TartanSleep.quiet(Duration.ofSeconds(2));
        assertEquals(1, w.of(EventTypes.RELINK_REQUESTED, itemId).size(), "relink.requested exactly once");
        assertEquals(1, w.of(EventTypes.RELINK_RESOLVED, itemId).size(), "relink.resolved exactly once");
    }

    @Test
    void loginRepairedFromPlaidResolves() {
        Journey j = E2e.journey();
        EventWatch w = E2e.watch();
        String user = E2e.user("s2r");
        String itemId = linkAndBreak(user).itemId();

        j.fireItemWebhook(itemId, "LOGIN_REPAIRED", null);
        RelinkResolved resolved = w.await(EventTypes.RELINK_RESOLVED, itemId, WAIT).data(EventTypes.RELINK_RESOLVED);
        assertEquals("LOGIN_REPAIRED", resolved.resolvedBy());
        JsonNode item = j.awaitItemStatus(user, itemId, "HEALTHY", WAIT);
        assertTrue(item.path("pending_relink").isNull() || item.path("pending_relink").isMissingNode(), item.toString());
        assertEquals(1, w.of(EventTypes.RELINK_REQUESTED, itemId).size(), "relink.requested exactly once");
    }

    /** link-service learns of the re-link from tartan.commands.relink: wait until its prompt is there. */
    static JsonNode awaitPrompt(Journey j, String user, String itemId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode prompts = null;
        while (System.nanoTime() < deadline) {
            prompts = j.relinkPrompts(user);
            JsonNode list = prompts.isArray() ? prompts : prompts.path("prompts");
            for (JsonNode p : list) {
                if (itemId.equals(p.path("item_id").asText())) {
                    return p;
                }
            }
            TartanSleep.quiet(Duration.ofMillis(300));
        }
        throw new AssertionError("no re-link prompt for " + itemId + " at link-service: " + prompts);
    }
}
