package dev.tartan.item.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.churn.RemovalReason;
import dev.tartan.contracts.churn.UserItemsRemovalRequested;
import dev.tartan.item.churn.ChurnRule;
import dev.tartan.item.churn.ChurnSweep;
import dev.tartan.item.reconcile.Reconciler;
import dev.tartan.item.removal.RemovalExecutor;
import dev.tartan.item.removal.RemovalTiming;
import dev.tartan.plaid.gateway.ExchangedItem;
import dev.tartan.plaid.gateway.PlaidCallContext;
import dev.tartan.plaid.gateway.PlaidGateway;
import dev.tartan.testsupport.EmulatorClient;
import dev.tartan.testsupport.KafkaTestClient;
import dev.tartan.testsupport.PlaidEmulatorResource;
import dev.tartan.testsupport.TartanInfra;
import dev.tartan.testsupport.TartanInfraResource;
import dev.tartan.testsupport.TestJwt;
import dev.tartan.testsupport.TopicProbe;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.tartan.item.it.Fixtures.*;
import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Reminders, churn rules, removal at the emulator's /item/remove (with injected 429 and 500) and reconciliation
 * with /item/get, on the real broker and database.
 */
@QuarkusTest
@TestProfile(EmulatorProfile.class)
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = TartanInfraResource.SERVICE_ARG, value = "item"))
@WithTestResource(PlaidEmulatorResource.class)
class ItemLifecycleEmulatorTest {

    static final Duration WAIT = Duration.ofSeconds(40);
    static KafkaTestClient kafka;
    static TopicProbe items;
    static TopicProbe relink;
    static TopicProbe churn;
    static EmulatorClient emulator;

    @Inject
    PlaidGateway gateway;
    @Inject
    ChurnSweep churnSweep;
    @Inject
    RemovalExecutor removalExecutor;
    @Inject
    Reconciler reconciler;

    @BeforeAll
    static void probes() {
        kafka = new KafkaTestClient();
        items = kafka.watch(Topics.ITEMS_EVENTS);
        relink = kafka.watch(Topics.COMMANDS_RELINK);
        churn = kafka.watch(Topics.COMMANDS_CHURN_REMOVAL);
        emulator = PlaidEmulatorResource.client();
    }

    @AfterAll
    static void close() {
        items.close();
        relink.close();
        churn.close();
        kafka.close();
    }

    /** A real Item at the emulator, exchanged through the gateway and announced with item.linked. */
    String linkAtEmulator(String userId, List<String> products) {
        JsonNode pt = emulator.post("/sandbox/public_token/create", Map.of("client_id", PlaidEmulatorResource.CLIENT_ID,
                "secret", PlaidEmulatorResource.SECRET, "institution_id", "ins_109508", "initial_products", products));
        ExchangedItem exchanged = gateway.exchangePublicToken(pt.path("public_token").asText(), PlaidCallContext.user(userId))
                .await().atMost(Duration.ofSeconds(30));
        SealedToken token = exchanged.accessToken();
        EventEnvelope linked = linked(exchanged.itemId(), userId, token, products);
        kafka.send(Topics.ITEMS_EVENTS, exchanged.itemId(), linked.toJson());
        awaitItem(exchanged.itemId(), i -> "HEALTHY".equals(i.path("status").asText()));
        return exchanged.itemId();
    }

    String linkOffline(String userId) {
        String itemId = itemId();
        kafka.send(Topics.ITEMS_EVENTS, itemId, linked(itemId, userId).toJson());
        awaitItem(itemId, i -> "HEALTHY".equals(i.path("status").asText()));
        return itemId;
    }

    JsonNode awaitItem(String itemId, Predicate<JsonNode> condition) {
        return Fixtures.awaitItem(itemId, WAIT, condition);
    }

    static int sql(String statement, Object... args) {
        try (Connection c = TartanInfra.get().connect(TartanInfraResource.databaseName("item"));
             PreparedStatement ps = c.prepareStatement(statement)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i] instanceof Instant t ? java.sql.Timestamp.from(t) : args[i]);
            }
            return ps.executeUpdate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String column(String itemId, String column) {
        try (Connection c = TartanInfra.get().connect(TartanInfraResource.databaseName("item"));
             PreparedStatement ps = c.prepareStatement("SELECT " + column + " FROM item WHERE item_id = ?")) {
            ps.setString(1, itemId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static <T> T onVertx(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work::get);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void remindersFireOnTheScheduleAndStopOnResolution() {
        String itemId = linkOffline("user-remind");
        kafka.send(Topics.PLAID_WEBHOOKS_ITEM, itemId, webhook(itemId, "ERROR", loginRequiredError()).toJson());
        String relinkId = awaitEvents(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, WAIT).get(0).data().path("relink_id").asText();
        List<EventEnvelope> reminders = awaitEvents(relink, itemId, EventTypes.RELINK_REMINDER.name(), 3, WAIT);
        for (int n = 0; n < 3; n++) {
            assertEquals(n + 1, reminders.get(n).data().path("reminder_number").asInt());
            assertEquals(relinkId, reminders.get(n).data().path("relink_id").asText());
        }
        kafka.send(Topics.PLAID_WEBHOOKS_ITEM, itemId, webhook(itemId, "LOGIN_REPAIRED", null).toJson());
        awaitEvents(relink, itemId, EventTypes.RELINK_RESOLVED.name(), 1, WAIT);
        sleep(1000); // a reminder transaction may have been in flight
        int after = events(relink, itemId, EventTypes.RELINK_REMINDER.name()).size();
        assertExactly(relink, itemId, EventTypes.RELINK_REMINDER.name(), after, Duration.ofSeconds(5));
    }

    @Test
    void eachChurnRuleSelectsTheRightItemsAndNoOthers() {
        sql("UPDATE item SET removal_id = 'excluded-from-churn-test' WHERE removal_id IS NULL"); // other tests' Items
        Instant now = Instant.now();
        String inactive = linkOffline("churn-inactive");
        String inError = linkOffline("churn-error");
        String ignored = linkOffline("churn-reminders");
        String active = linkOffline("churn-active");
        String almostInactive = linkOffline("churn-almost-inactive");
        String recentError = linkOffline("churn-recent-error");
        String fewReminders = linkOffline("churn-few-reminders");
        sql("UPDATE item SET last_activity_at = ? WHERE item_id = ?", now.minus(Duration.ofDays(61)), inactive);
        sql("UPDATE item SET last_activity_at = ? WHERE item_id = ?", now.minus(Duration.ofDays(59)), almostInactive);
        sql("UPDATE item SET status = 'LOGIN_REQUIRED', error_code = 'ITEM_LOGIN_REQUIRED', error_since = ? WHERE item_id = ?",
                now.minus(Duration.ofDays(31)), inError);
        sql("UPDATE item SET status = 'LOGIN_REQUIRED', error_code = 'ITEM_LOGIN_REQUIRED', error_since = ? WHERE item_id = ?",
                now.minus(Duration.ofDays(29)), recentError);
        for (var e : Map.of(ignored, 10, fewReminders, 9).entrySet()) {
            sql("UPDATE item SET relink_id = ?, relink_mode = 'LOGIN', relink_reason = 'ITEM_LOGIN_REQUIRED', relink_requested_at = ?, "
                    + "relink_reminders = ?, relink_next_reminder_at = ? WHERE item_id = ?", "relink-" + e.getKey(), now,
                    e.getValue(), now.plus(Duration.ofDays(30)), e.getKey());
        }

        Map<ChurnRule, Integer> selected = onVertx(() -> churnSweep.sweep(Instant.now()));
        assertEquals(Map.of(ChurnRule.INACTIVITY, 1, ChurnRule.UNRESOLVED_ERROR, 1, ChurnRule.UNANSWERED_REMINDERS, 1), selected);
        assertEquals("INACTIVITY", column(inactive, "removal_reason"));
        assertEquals("UNRESOLVED_ERROR", column(inError, "removal_reason"));
        assertEquals("UNANSWERED_REMINDERS", column(ignored, "removal_reason"));
        for (String control : List.of(active, almostInactive, recentError, fewReminders)) {
            assertNull(column(control, "removal_id"), control);
        }
        for (String chosen : List.of(inactive, inError, ignored)) {
            JsonNode cmd = awaitEvents(churn, chosen, EventTypes.CHURN_REMOVAL_REQUESTED.name(), 1, WAIT).get(0).data();
            assertFalse(cmd.path("urgent").asBoolean());
            // transactions is billed monthly: removal waits for the month-end window
            Instant expected = new RemovalTiming(List.of("transactions"), 2).scheduleFor(RemovalReason.INACTIVITY, List.of("transactions"), now);
            assertFalse(Instant.parse(cmd.path("scheduled_for").asText()).isBefore(expected.minusSeconds(60)));
        }
        assertEquals(Map.of(ChurnRule.INACTIVITY, 0, ChurnRule.UNRESOLVED_ERROR, 0, ChurnRule.UNANSWERED_REMINDERS, 0),
                onVertx(() -> churnSweep.sweep(Instant.now())), "a second sweep selects nothing again");

        // the inactive user comes back: the inactivity removal is cancelled
        given().auth().oauth2(TestJwt.token("app-backend", "app")).contentType(ContentType.JSON)
                .body(Map.of("kind", "LOGIN")).post("/users/churn-inactive/activity").then().statusCode(202);
        assertNull(column(inactive, "removal_id"));
        assertEquals("UNRESOLVED_ERROR", column(inError, "removal_reason"), "activity of someone else changes nothing");
        sql("UPDATE item SET removal_id = NULL WHERE removal_id = 'excluded-from-churn-test'");
    }

    @Test
    void removalReachesTheEmulatorThroughInjected429And500AndIsNotRepeated() {
        String itemId = linkAtEmulator("user-fraud", List.of("transactions"));
        kafka.send(Topics.PLAID_WEBHOOKS_ITEM, itemId, webhook(itemId, "ERROR", loginRequiredError()).toJson());
        awaitEvents(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, WAIT);
        emulator.post("/emulator/faults", Map.of("endpoint", "/item/remove", "type", "RATE_LIMIT", "count", 3));
        emulator.post("/emulator/faults", Map.of("endpoint", "/item/remove", "type", "SERVER_ERROR_500", "count", 3));
        try {
            // beacon-service asks to remove every Item of a fraudulent user: urgent, not deferred to month end
            UserItemsRemovalRequested request = new UserItemsRemovalRequested("req-" + itemId, "user-fraud",
                    RemovalReason.FRAUD_FIRST_PARTY, "beacon-service", Instant.now());
            EventEnvelope cmd = EventEnvelope.wrap(EventTypes.USER_ITEMS_REMOVAL_REQUESTED, "beacon-service", "user-fraud", request);
            kafka.send(Topics.COMMANDS_CHURN_REMOVAL, "user-fraud", cmd.toJson());
            kafka.send(Topics.COMMANDS_CHURN_REMOVAL, "user-fraud", cmd.toJson()); // redelivered

            JsonNode removed = awaitEvents(items, itemId, EventTypes.ITEM_REMOVED.name(), 1, Duration.ofSeconds(60)).get(0).data();
            assertEquals("FRAUD_FIRST_PARTY", removed.path("reason").asText());
            assertEquals("FRAUD_FIRST_PARTY", removed.path("plaid_reason_code").asText());
            assertTrue(emulator.get("/emulator/items/" + itemId).path("removed").asBoolean(), "removed at the emulator");
            assertEquals("ITEM_REMOVED", awaitEvents(relink, itemId, EventTypes.RELINK_RESOLVED.name(), 1, WAIT).get(0)
                    .data().path("resolved_by").asText());
            JsonNode state = item(itemId);
            assertEquals("REMOVED", state.path("status").asText());
            assertTrue(state.path("removal").path("removed_at").isTextual());
            assertTrue(state.path("removal").path("attempts").asInt() >= 2, "the first attempt met the faults: " + state);
            assertNull(column(itemId, "token_ciphertext"), "the access token is deleted");
            assertEquals(1, events(churn, itemId, EventTypes.CHURN_REMOVAL_REQUESTED.name()).size());
        } finally {
            emulator.delete("/emulator/faults");
        }
        // nothing is due any more: a later run (or a restarted instance) removes nothing twice
        assertEquals(0, onVertx(() -> removalExecutor.runOnce(Instant.now().plus(Duration.ofDays(60)))));
        assertExactly(items, itemId, EventTypes.ITEM_REMOVED.name(), 1, Duration.ofSeconds(3));
    }

    @Test
    void anItemAlreadyGoneAtPlaidCountsAsRemoved() {
        String itemId = linkAtEmulator("user-gone", List.of("auth"));
        // removed at Plaid behind our back (or our commit was lost after Plaid answered)
        gateway.callWithAccessToken(dev.tartan.plaid.gateway.PlaidEndpoint.ITEM_REMOVE, itemId,
                new dev.tartan.contracts.SealedToken(column(itemId, "token_key_id"), column(itemId, "token_ciphertext")),
                (api, token) -> api.itemRemove(new com.plaid.client.model.ItemRemoveRequest().accessToken(token)))
                .await().atMost(Duration.ofSeconds(30));
        given().auth().oauth2(TestJwt.token("app-backend", "app")).contentType(ContentType.JSON)
                .body(Map.of("reason", "USER_REQUEST")).post("/items/" + itemId + "/removal").then().statusCode(202);
        JsonNode removed = awaitEvents(items, itemId, EventTypes.ITEM_REMOVED.name(), 1, WAIT).get(0).data();
        assertEquals("USER_REQUEST", removed.path("reason").asText());
        assertEquals("REMOVED", item(itemId).path("status").asText());
    }

    @Test
    void reconciliationAppliesWhatItemGetSays() {
        String itemId = linkAtEmulator("user-reconcile", List.of("transactions"));
        var token = new dev.tartan.contracts.SealedToken(column(itemId, "token_key_id"), column(itemId, "token_ciphertext"));
        // the Item breaks at Plaid and the webhook never reaches us
        gateway.callWithAccessToken(dev.tartan.plaid.gateway.PlaidEndpoint.SANDBOX_ITEM_RESET_LOGIN, itemId, token,
                (api, t) -> api.sandboxItemResetLogin(new com.plaid.client.model.SandboxItemResetLoginRequest().accessToken(t)))
                .await().atMost(Duration.ofSeconds(30));
        sql("UPDATE item SET reconcile_due_at = ? WHERE item_id = ?", Instant.now().minusSeconds(1), itemId);
        assertTrue(onVertx(() -> reconciler.runOnce(Instant.now())) >= 1);
        JsonNode state = awaitItem(itemId, i -> "LOGIN_REQUIRED".equals(i.path("status").asText()));
        assertEquals("ITEM_LOGIN_REQUIRED", state.path("error").path("error_code").asText());
        assertTrue(state.path("last_reconciled_at").isTextual());
        EventEnvelope changed = awaitEvents(items, itemId, EventTypes.ITEM_STATUS_CHANGED.name(), 1, WAIT).get(0);
        assertEquals("RECONCILIATION", changed.data().path("cause").asText());
        awaitEvents(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, WAIT);
        // checked again: Plaid says the same, nothing new
        sql("UPDATE item SET reconcile_due_at = ? WHERE item_id = ?", Instant.now().minusSeconds(1), itemId);
        onVertx(() -> reconciler.runOnce(Instant.now()));
        assertExactly(relink, itemId, EventTypes.RELINK_REQUESTED.name(), 1, Duration.ofSeconds(2));

        // a contradictory webhook is verified: an ERROR right after update mode fixed it
        kafka.send(Topics.LINK_SESSIONS, itemId, updateCompleted(itemId, "user-reconcile", dev.tartan.contracts.link.UpdateMode.LOGIN, null).toJson());
        awaitItem(itemId, i -> "HEALTHY".equals(i.path("status").asText()));
        // (the emulator still reports ITEM_LOGIN_REQUIRED, so the verification confirms the error)
        kafka.send(Topics.PLAID_WEBHOOKS_ITEM, itemId, webhook(itemId, "ERROR", loginRequiredError()).toJson());
        awaitItem(itemId, i -> "LOGIN_REQUIRED".equals(i.path("status").asText()));
        assertEquals("RECONCILIATION", awaitEvents(items, itemId, EventTypes.ITEM_STATUS_CHANGED.name(), 3, WAIT).get(2)
                .data().path("cause").asText(), "applied from /item/get, not from the webhook");
    }
}
