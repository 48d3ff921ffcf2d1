package dev.tartan.system.e2e;

import static dev.tartan.system.e2e.E2e.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Http;
import dev.tartan.system.harness.Journey;

/** Scenario 1: link a bank through link-service; item-service shows it healthy; the same bank again is a duplicate. */
@Order(1)
@Tag("e2e")
class S1LinkScenarioTest {

    @Test
    void linkedItemIsHealthyAndTheSameBankAgainIsRefusedAsDuplicate() {
        Journey j = E2e.journey();
        EventWatch w = E2e.watch();
        String user = E2e.user("s1");

        Journey.Linked linked = j.linkBank(user, Journey.DEFAULT_INSTITUTION, List.of("0000", "1111"), List.of("auth"));
        assertFalse(linked.itemId().isBlank(), "exchange answered an item_id");

        ItemLinked event = w.await(EventTypes.ITEM_LINKED, linked.itemId(), WAIT).data(EventTypes.ITEM_LINKED);
        assertEquals(user, event.clientUserId());
        assertEquals(Journey.DEFAULT_INSTITUTION, event.institution().institutionId());
        assertEquals(List.of("0000", "1111"), event.accounts().stream().map(a -> a.mask()).toList());
        assertNotNull(event.accessToken(), "item.linked carries the sealed access token");
        assertFalse(w.of(EventTypes.ITEM_LINKED, linked.itemId()).get(0).value().contains("access-sandbox-"),
                "no access token in clear on Kafka");

        JsonNode item = j.awaitItemStatus(user, linked.itemId(), "HEALTHY", WAIT);
        assertEquals(user, item.path("client_user_id").asText());
        assertEquals(2, item.path("accounts").size());
        assertTrue(item.path("error").isNull() || item.path("error").isMissingNode());

        // the user links the same bank and accounts again: refused before the public token is exchanged
        String token = j.newItemLinkToken(user, List.of("auth"));
        JsonNode onSuccess = j.playLink(token, Journey.DEFAULT_INSTITUTION, List.of("0000", "1111"));
        Http.Call dup = j.exchange(user, token, onSuccess);
        assertEquals(409, dup.status(), dup.responseBody());
        assertEquals("DUPLICATE_ITEM", dup.json().path("code").asText());
        assertEquals(linked.itemId(), dup.json().path("existing_item_id").asText(), dup.responseBody());

        w.assertNone("a second item.linked for " + user, s -> s.is(EventTypes.ITEM_LINKED)
                && !linked.itemId().equals(s.key()) && user.equals(s.data(EventTypes.ITEM_LINKED).clientUserId()),
                Duration.ofSeconds(3));
        assertEquals(1, w.of(EventTypes.ITEM_LINKED, linked.itemId()).size(), "item.linked exactly once");
    }
}
