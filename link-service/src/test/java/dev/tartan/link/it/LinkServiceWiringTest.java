package dev.tartan.link.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.contracts.link.LinkUpdateCompleted;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.relink.RelinkReason;
import dev.tartan.contracts.relink.RelinkReminder;
import dev.tartan.contracts.relink.RelinkRequested;
import dev.tartan.contracts.relink.RelinkResolved;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.link.Json;
import dev.tartan.testsupport.KafkaTestClient;
import dev.tartan.testsupport.PlaidEmulatorResource;
import dev.tartan.testsupport.TartanInfraResource;
import dev.tartan.testsupport.TestJwt;
import dev.tartan.testsupport.TopicProbe;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.tartan.link.it.LinkTestSupport.app;
import static dev.tartan.link.it.LinkTestSupport.count;
import static dev.tartan.link.it.LinkTestSupport.exchangeBody;
import static dev.tartan.link.it.LinkTestSupport.linkSession;
import static dev.tartan.link.it.LinkTestSupport.metadataOf;
import static dev.tartan.link.it.LinkTestSupport.newUser;
import static dev.tartan.link.it.LinkTestSupport.obj;
import static dev.tartan.link.it.LinkTestSupport.post;
import static dev.tartan.link.it.LinkTestSupport.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * link-service in process against the real broker and PostgreSQL of this test JVM and the Plaid emulator (called by
 * the service through plaid-gateway, i.e. plaid-java).
 */
@QuarkusTest
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = TartanInfraResource.SERVICE_ARG, value = "link"))
@WithTestResource(PlaidEmulatorResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LinkServiceWiringTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static KafkaTestClient KAFKA;
    /** Every sealed token seen in events: the log scan checks none of them was logged. */
    static final List<String> CIPHERTEXTS = new ArrayList<>();
    static final List<String> IDENTIFIERS = new ArrayList<>();

    @BeforeAll
    static void kafka() {
        KAFKA = new KafkaTestClient(TartanInfraResource.kafkaBootstrapServers());
    }

    @AfterAll
    static void close() {
        if (KAFKA != null) {
            KAFKA.close();
        }
    }

    static ObjectNode tokenRequest(String flow, String user) {
        ObjectNode r = obj();
        r.put("flow", flow);
        r.put("client_user_id", user);
        return r;
    }

    static JsonNode createToken(ObjectNode request) {
        Response r = post("/link/tokens", request);
        assertEquals(200, r.statusCode(), r.asString());
        JsonNode body = tree(r);
        assertTrue(body.path("link_token").asText().startsWith("link-"), body.toString());
        assertFalse(body.path("expiration").isMissingNode() || body.path("expiration").isNull(), body.toString());
        IDENTIFIERS.add(body.path("request_id").asText());
        return body;
    }

    static void assertRefused(ObjectNode request, String code, String field) {
        Response r = post("/link/tokens", request);
        assertEquals(400, r.statusCode(), r.asString());
        JsonNode body = tree(r);
        assertEquals(code, body.path("code").asText(), body.toString());
        assertEquals(field, body.path("field").asText(), body.toString());
        assertFalse(body.path("message").asText().isBlank());
    }

    static ObjectNode withAuth(ObjectNode r, Map<String, Boolean> flags) {
        ObjectNode auth = obj();
        flags.forEach(auth::put);
        r.set("auth", auth);
        return r;
    }

    static ObjectNode products(ObjectNode r, String field, String... products) {
        var arr = r.putArray(field);
        for (String p : products) {
            arr.add(p);
        }
        return r;
    }

    @Test
    @Order(1)
    void tokensForEveryNewItemFlowAreIssuedAndRecorded() {
        String user = newUser();
        ObjectNode full = tokenRequest("NEW_ITEM", user);
        products(full, "products", "transactions");
        products(full, "required_if_supported_products", "identity");
        products(full, "optional_products", "liabilities");
        products(full, "additional_consented_products", "investments");
        products(full, "country_codes", "US", "CA");
        full.put("language", "fr");
        full.put("link_customization_name", "default");
        full.put("redirect_uri", "https://app.tartan.test/oauth-return");
        full.putObject("account_filters").putObject("depository").putArray("account_subtypes").add("checking").add("savings");
        assertEquals("NEW_ITEM", createToken(full).path("flow").asText());

        ObjectNode android = tokenRequest("NEW_ITEM", user);
        products(android, "products", "auth");
        android.put("android_package_name", "dev.tartan.app");
        createToken(android);

        // Auth flows: Database Insights, Database Match with same-day micro-deposits, instant micro-deposits, Auth Type Select
        createToken(withAuth(tokenRequest("AUTH", user), Map.of("database_insights_enabled", true, "auth_type_select_enabled", true)));
        createToken(withAuth(products(tokenRequest("AUTH", user), "country_codes", "CA"), Map.of("database_insights_enabled", true)));
        createToken(withAuth(tokenRequest("AUTH", user), Map.of("database_match_enabled", true, "same_day_microdeposits_enabled", true)));
        createToken(withAuth(tokenRequest("AUTH", user), Map.of("instant_microdeposits_enabled", true)));
        createToken(withAuth(tokenRequest("AUTH", user), Map.of("auth_type_select_enabled", true, "same_day_microdeposits_enabled", true)));
        JsonNode beacon = createToken(tokenRequest("BEACON", user));
        assertEquals("BEACON", beacon.path("flow").asText());

        assertEquals(8, count("SELECT count(*) FROM link_token WHERE client_user_id = ? AND expires_at IS NOT NULL", user));
        assertEquals(5, count("SELECT count(*) FROM link_token WHERE client_user_id = ? AND purpose = 'AUTH'", user));
        assertEquals(1, count("SELECT count(*) FROM link_token WHERE client_user_id = ? AND purpose = 'BEACON'", user));
        // the token itself is not stored, only its hash
        assertEquals(1, count("SELECT count(*) FROM link_token WHERE token_sha256 = ?", Json.sha256(beacon.path("link_token").asText())));
    }

    @Test
    @Order(2)
    void everythingPlaidWouldRefuseIsRefusedFirstNamingTheField() {
        String user = newUser();
        assertRefused(products(products(tokenRequest("NEW_ITEM", user), "products", "auth"), "required_if_supported_products", "auth"),
                "OVERLAPPING_PRODUCTS", "required_if_supported_products");
        assertRefused(products(products(tokenRequest("NEW_ITEM", user), "products", "auth"), "additional_consented_products", "auth"),
                "OVERLAPPING_PRODUCTS", "additional_consented_products");
        assertRefused(tokenRequest("NEW_ITEM", user), "PRODUCTS_REQUIRED", "products");
        assertRefused(products(tokenRequest("NEW_ITEM", user), "optional_products", "identity"), "PRODUCTS_REQUIRED", "products");
        ObjectNode update = products(tokenRequest("UPDATE", user), "products", "transactions");
        update.put("item_id", "item-x");
        assertRefused(update, "PRODUCTS_NOT_ALLOWED_IN_UPDATE_MODE", "products");
        assertRefused(withAuth(tokenRequest("AUTH", user), Map.of("database_insights_enabled", true, "database_match_enabled", true)),
                "INVALID_AUTH_COMBINATION", "auth.database_match_enabled");
        assertRefused(withAuth(tokenRequest("AUTH", user), Map.of("database_insights_enabled", true, "same_day_microdeposits_enabled", true)),
                "INVALID_AUTH_COMBINATION", "auth.same_day_microdeposits_enabled");
        assertRefused(withAuth(tokenRequest("AUTH", user), Map.of("database_insights_enabled", true, "instant_microdeposits_enabled", true)),
                "INVALID_AUTH_COMBINATION", "auth.instant_microdeposits_enabled");
        assertRefused(withAuth(products(tokenRequest("AUTH", user), "products", "auth", "identity"), Map.of("database_insights_enabled", true)),
                "DATABASE_INSIGHTS_PRODUCTS", "products");
        assertRefused(withAuth(products(tokenRequest("AUTH", user), "country_codes", "GB"), Map.of("database_insights_enabled", true)),
                "COUNTRY_NOT_SUPPORTED_FOR_FLOW", "country_codes");
        assertRefused(withAuth(products(tokenRequest("AUTH", user), "country_codes", "CA"), Map.of("same_day_microdeposits_enabled", true)),
                "COUNTRY_NOT_SUPPORTED_FOR_FLOW", "country_codes");
        assertRefused(products(tokenRequest("BEACON", user), "country_codes", "GB"), "COUNTRY_NOT_SUPPORTED_FOR_FLOW", "country_codes");
        ObjectNode query = products(tokenRequest("NEW_ITEM", user), "products", "auth");
        query.put("redirect_uri", "https://app.tartan.test/oauth-return?state=1");
        assertRefused(query, "REDIRECT_URI_HAS_QUERY", "redirect_uri");
        ObjectNode pii = products(tokenRequest("NEW_ITEM", "jane.doe@example.com"), "products", "auth");
        assertRefused(pii, "CLIENT_USER_ID_IS_PII", "client_user_id");
        ObjectNode webhook = products(tokenRequest("NEW_ITEM", user), "products", "auth");
        webhook.put("webhook", "https://evil.example/hook");
        Response unknown = post("/link/tokens", webhook);
        // unknown fields (webhook, access_token) are ignored: the webhook always comes from configuration
        assertEquals(200, unknown.statusCode(), unknown.asString());
        assertEquals(1, count("SELECT count(*) FROM link_token WHERE client_user_id = ?", user));
        // wrong JSON type names the field
        Response badType = post("/link/tokens", "{\"flow\":\"NO_SUCH_FLOW\",\"client_user_id\":\"u\"}");
        assertEquals(400, badType.statusCode(), badType.asString());
        assertEquals("flow", tree(badType).path("field").asText(), badType.asString());
    }

    @Test
    @Order(3)
    void theApiNeedsTheAppRole() {
        assertEquals(401, RestAssured.given().contentType("application/json").body("{}").post("/link/tokens").statusCode());
        assertEquals(403, RestAssured.given().header("Authorization", "Bearer " + TestJwt.token("ops", "operator"))
                .contentType("application/json").body("{}").post("/link/tokens").statusCode());
    }

    @Test
    @Order(4)
    void exchangeRefusesDuplicatesAndAnswersRetriesTheSame() throws Exception {
        String user = newUser();
        ObjectNode req = products(tokenRequest("NEW_ITEM", user), "products", "transactions");
        products(req, "optional_products", "identity");
        String linkToken = createToken(req).path("link_token").asText();
        JsonNode session = linkSession(linkToken, Map.of("institution_id", "ins_109508"));

        try (TopicProbe items = KAFKA.watch(Topics.ITEMS_EVENTS)) {
            ObjectNode exchange = exchangeBody(user, session, linkToken);
            Response first = post("/link/exchanges", exchange);
            assertEquals(200, first.statusCode(), first.asString());
            JsonNode result = tree(first);
            String itemId = result.path("item_id").asText();
            assertFalse(itemId.isBlank());
            assertFalse(first.asString().contains("access-"), "the access token never leaves link-service");
            assertEquals(session.path("accounts").size(), result.path("accounts").size());

            ConsumerRecord<String, String> rec = items.awaitKey(itemId, WAIT);
            EventEnvelope env = EventEnvelope.fromJson(rec.value());
            assertEquals(EventTypes.ITEM_LINKED.name(), env.type());
            ItemLinked linked = env.dataAs(EventTypes.ITEM_LINKED);
            assertEquals(user, linked.clientUserId());
            assertEquals("ins_109508", linked.institution().institutionId());
            assertEquals(List.of("transactions"), linked.products());
            assertEquals(List.of("identity"), linked.optionalProducts());
            assertEquals(session.path("link_session_id").asText(), linked.linkSessionId());
            assertNotNull(linked.accessToken());
            assertEquals(PlaidEmulatorResource.TOKEN_KEY_ID, linked.accessToken().keyId());
            assertFalse(rec.value().contains("access-"), "only ciphertext in the event");
            CIPHERTEXTS.add(linked.accessToken().ciphertext());
            IDENTIFIERS.add(itemId);
            IDENTIFIERS.add(linked.linkSessionId());

            // retried exchange: same answer, no second event
            Response retry = post("/link/exchanges", exchange);
            assertEquals(200, retry.statusCode(), retry.asString());
            assertEquals(result, tree(retry));

            // a second Link session for the same bank and accounts: refused before exchange
            String token2 = createToken(products(tokenRequest("NEW_ITEM", user), "products", "transactions")).path("link_token").asText();
            JsonNode session2 = linkSession(token2, Map.of("institution_id", "ins_109508"));
            Response refused = post("/link/exchanges", exchangeBody(user, session2, null));
            assertEquals(409, refused.statusCode(), refused.asString());
            assertEquals("DUPLICATE_ITEM", tree(refused).path("code").asText());
            assertEquals(itemId, tree(refused).path("existing_item_id").asText());
            items.assertNoMore(Duration.ofSeconds(2));
            // not exchanged: the one-time public token still works at Plaid
            JsonNode direct = LinkTestSupport.emulator().post("/item/public_token/exchange", Map.of(
                    "client_id", PlaidEmulatorResource.CLIENT_ID, "secret", PlaidEmulatorResource.SECRET,
                    "public_token", session2.path("public_token").asText()));
            assertFalse(direct.path("item_id").asText().isBlank(), direct.toString());

            // the same accounts for another user are no duplicate
            String other = newUser();
            String token3 = createToken(products(tokenRequest("NEW_ITEM", other), "products", "transactions")).path("link_token").asText();
            JsonNode session3 = linkSession(token3, Map.of("institution_id", "ins_109508"));
            Response ok = post("/link/exchanges", exchangeBody(other, session3, null));
            assertEquals(200, ok.statusCode(), ok.asString());
            items.awaitKey(tree(ok).path("item_id").asText(), WAIT);
        }
        assertEquals(1, count("SELECT count(*) FROM linked_item WHERE client_user_id = ?", user));
        String metrics = RestAssured.get("/q/metrics").asString();
        assertTrue(metrics.contains("tartan_link_exchanges_total") && metrics.contains("outcome=\"duplicate_refused\""), "exchange outcomes are counted");
        assertTrue(metrics.contains("tartan_link_tokens_issued_total") && metrics.contains("flow=\"NEW_ITEM\""), "tokens issued are counted");
    }

    /** Links an Item for {@code user} and returns the exchange answer. */
    static JsonNode linkItem(String user, String institution) {
        String linkToken = createToken(products(tokenRequest("NEW_ITEM", user), "products", "auth")).path("link_token").asText();
        JsonNode session = linkSession(linkToken, Map.of("institution_id", institution));
        Response r = post("/link/exchanges", exchangeBody(user, session, linkToken));
        assertEquals(200, r.statusCode(), r.asString());
        return tree(r);
    }

    static void sendCommand(String key, EventEnvelope envelope) {
        KAFKA.send(Topics.COMMANDS_RELINK, key, envelope.toJson());
    }

    static JsonNode prompts(String user) {
        Response r = app().get("/link/users/" + user + "/relink-prompts");
        assertEquals(200, r.statusCode(), r.asString());
        return tree(r);
    }

    static JsonNode awaitPrompts(String user, int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        JsonNode p = prompts(user);
        while (p.size() != n && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            p = prompts(user);
        }
        assertEquals(n, p.size(), p.toString());
        return p;
    }

    @Test
    @Order(5)
    void relinkCommandsBecomePromptsAndUpdateModeCompletes() throws Exception {
        String user = newUser();
        JsonNode item = linkItem(user, "ins_109511");
        String itemId = item.path("item_id").asText();
        String relinkId = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        EventEnvelope requested = EventEnvelope.wrap(EventTypes.RELINK_REQUESTED, "item-service", itemId,
                new RelinkRequested(relinkId, itemId, user, new InstitutionRef("ins_109511", "Tartan Bank"), UpdateMode.ACCOUNT_SELECTION,
                        RelinkReason.NEW_ACCOUNTS_AVAILABLE, null, null, null, now));
        sendCommand(itemId, requested);
        JsonNode prompt = awaitPrompts(user, 1).get(0);
        assertEquals(itemId, prompt.path("item_id").asText());
        assertEquals("ACCOUNT_SELECTION", prompt.path("mode").asText());
        assertTrue(prompt.path("account_selection_required").asBoolean());
        // a redelivered command changes nothing (inbox); a reminder counts
        sendCommand(itemId, requested);
        sendCommand(itemId, EventEnvelope.wrap(EventTypes.RELINK_REMINDER, "item-service", itemId,
                new RelinkReminder(relinkId, itemId, user, UpdateMode.ACCOUNT_SELECTION, RelinkReason.NEW_ACCOUNTS_AVAILABLE, 2, now,
                        Instant.now())));
        long until = System.currentTimeMillis() + WAIT.toMillis();
        while (prompts(user).get(0).path("reminders").asInt() != 2) {
            assertTrue(System.currentTimeMillis() < until, "relink.reminder not applied: " + prompts(user));
            Thread.sleep(200);
        }
        assertEquals(1, prompts(user).size());

        // the update-mode token is created on demand, with account selection because the re-link asks for it
        ObjectNode update = tokenRequest("UPDATE", user);
        update.put("item_id", itemId);
        JsonNode token = createToken(update);
        assertTrue(token.path("account_selection_enabled").asBoolean(), token.toString());
        assertEquals("ACCOUNT_SELECTION", token.path("update_mode").asText());
        Instant expires = Instant.parse(token.path("expiration").asText());
        assertTrue(expires.isBefore(Instant.now().plus(Duration.ofMinutes(31))), "update-mode tokens last 30 minutes: " + expires);
        // another user cannot get one for this Item
        ObjectNode stranger = tokenRequest("UPDATE", newUser());
        stranger.put("item_id", itemId);
        Response notFound = post("/link/tokens", stranger);
        assertEquals(404, notFound.statusCode());
        assertEquals("item_id", tree(notFound).path("field").asText());

        JsonNode session = linkSession(token.path("link_token").asText(), Map.of());
        try (TopicProbe sessions = KAFKA.watch(Topics.LINK_SESSIONS)) {
            ObjectNode done = obj();
            done.put("client_user_id", user);
            done.put("item_id", itemId);
            done.set("metadata", metadataOf(session));
            Response completed = post("/link/update-completions", done);
            assertEquals(200, completed.statusCode(), completed.asString());
            assertEquals("ACCOUNT_SELECTION", tree(completed).path("mode").asText());
            EventEnvelope env = EventEnvelope.fromJson(sessions.awaitKey(itemId, WAIT).value());
            LinkUpdateCompleted payload = env.dataAs(EventTypes.LINK_UPDATE_COMPLETED);
            assertEquals(UpdateMode.ACCOUNT_SELECTION, payload.mode());
            assertEquals(session.path("link_session_id").asText(), payload.linkSessionId());
            assertEquals(user, payload.clientUserId());
            // reported twice by the app: one event
            assertEquals(200, post("/link/update-completions", done).statusCode());
            sessions.assertNoMore(Duration.ofSeconds(2));
        }
        assertEquals(0, prompts(user).size(), "the user finished update mode: nothing to prompt while item-service confirms");

        // item-service resolves the episode
        sendCommand(itemId, EventEnvelope.wrap(EventTypes.RELINK_RESOLVED, "item-service", itemId,
                new RelinkResolved(relinkId, itemId, user, "UPDATE_MODE", Instant.now())));
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (count("SELECT count(*) FROM relink_prompt WHERE relink_id = ? AND resolved_at IS NOT NULL", relinkId) == 0) {
            assertTrue(System.currentTimeMillis() < deadline, "relink.resolved not applied");
            Thread.sleep(200);
        }

        // a login re-link: plain update mode, no account selection; a product-consent one: additional consented products
        String login = UUID.randomUUID().toString();
        sendCommand(itemId, EventEnvelope.wrap(EventTypes.RELINK_REQUESTED, "item-service", itemId,
                new RelinkRequested(login, itemId, user, null, UpdateMode.PRODUCT_CONSENT, RelinkReason.PRODUCT_PERMISSIONS_REQUIRED,
                        null, null, List.of("identity"), Instant.now())));
        assertEquals("PRODUCT_CONSENT", awaitPrompts(user, 1).get(0).path("mode").asText());
        JsonNode consent = createToken(update);
        assertEquals("PRODUCT_CONSENT", consent.path("update_mode").asText());
        assertFalse(consent.path("account_selection_enabled").asBoolean());
    }

    @Test
    @Order(6)
    void poisonRelinkCommandGoesToTheDeadLetterTopic() {
        try (TopicProbe dlq = KAFKA.watch(Topics.COMMANDS_RELINK + Topics.DEAD_LETTER_SUFFIX)) {
            KAFKA.send(Topics.COMMANDS_RELINK, "poison", "{not json");
            ConsumerRecord<String, String> rec = dlq.awaitKey("poison", WAIT);
            assertEquals("{not json", rec.value());
        }
    }

    @Test
    @Order(7)
    void documentUploadTokenForOneAccount() {
        String user = newUser();
        JsonNode item = linkItem(user, "ins_109512");
        ObjectNode doc = tokenRequest("IDENTITY_DOCUMENT_UPLOAD", user);
        doc.put("item_id", item.path("item_id").asText());
        doc.put("account_id", item.path("accounts").get(0).path("account_id").asText());
        doc.putArray("parsing_configs").add("ocr").add("risk_signals");
        JsonNode token = createToken(doc);
        assertEquals("IDENTITY_DOCUMENT_UPLOAD", token.path("flow").asText());
        doc.put("account_id", "not-an-account");
        assertRefused(doc, "UNKNOWN_ACCOUNT", "account_id");
    }

    static EventEnvelope linkWebhook(String code, String session, Map<String, Object> body) {
        String raw = LinkTestSupport.json(body);
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        PlaidWebhookReceived data = new PlaidWebhookReceived(id, "LINK", code, null, session, Json.sha256(raw), now, now, "kid-1",
                "sandbox", raw);
        return new EventEnvelope(null, id, PlaidWebhookReceived.eventType("LINK", code), "webhook-ingest", now, session, 1,
                EventJson.mapper().valueToTree(data));
    }

    @Test
    @Order(8)
    void itemAddResultWebhookIsExchangedLikeOnSuccess() {
        String user = newUser();
        String linkToken = createToken(products(tokenRequest("NEW_ITEM", user), "products", "auth")).path("link_token").asText();
        JsonNode session = linkSession(linkToken, Map.of("institution_id", "ins_109508"));
        String sessionId = session.path("link_session_id").asText();
        try (TopicProbe items = KAFKA.watch(Topics.ITEMS_EVENTS)) {
            EventEnvelope hook = linkWebhook("ITEM_ADD_RESULT", sessionId, Map.of("webhook_type", "LINK", "webhook_code", "ITEM_ADD_RESULT",
                    "link_session_id", sessionId, "link_token", linkToken, "public_token", session.path("public_token").asText(),
                    "environment", "sandbox"));
            KAFKA.send(Topics.PLAID_WEBHOOKS_LINK, sessionId, hook.toJson());
            ConsumerRecord<String, String> rec = items.await(r -> r.value().contains(user), WAIT);
            ItemLinked linked = EventEnvelope.fromJson(rec.value()).dataAs(EventTypes.ITEM_LINKED);
            assertEquals("ins_109508", linked.institution().institutionId());
            assertEquals(List.of("auth"), linked.products());
            // the app forwards onSuccess too: same Item, nothing new published
            Response again = post("/link/exchanges", exchangeBody(user, session, null));
            assertEquals(200, again.statusCode(), again.asString());
            assertEquals(linked.itemId(), tree(again).path("item_id").asText());
            // redelivery of the webhook: nothing new either
            KAFKA.send(Topics.PLAID_WEBHOOKS_LINK, sessionId, hook.toJson());
            items.assertNoMore(Duration.ofSeconds(3));
            CIPHERTEXTS.add(linked.accessToken().ciphertext());
        }
    }

    static final Instant T0 = Instant.parse("2025-01-15T10:00:00Z");

    static Map<String, Object> cb(String callback, String session, int sec, String event, String view, String inst, String error,
                                  String exit) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("callback", callback);
        m.put("client_user_id", "user-analytics");
        m.put("link_session_id", session);
        m.put("timestamp", T0.plusSeconds(sec).toString());
        m.put("request_id", "req-" + session + "-" + sec);
        if (event != null) m.put("event_name", event);
        if (view != null) m.put("view_name", view);
        if (inst != null) {
            m.put("institution_id", inst);
            m.put("institution_name", inst.equals("ins_3") ? "Chase" : "Other");
        }
        if (error != null) {
            m.put("error_type", "ITEM_ERROR");
            m.put("error_code", error);
        }
        if (exit != null) m.put("exit_status", exit);
        return m;
    }

    static Map<String, Object> linkEvent(String id, int sec, String name, Map<String, Object> metadata) {
        return Map.of("event_id", id, "timestamp", T0.plusSeconds(sec).toString(), "event_name", name, "event_metadata", metadata);
    }

    @Test
    @Order(9)
    void callbacksAndLinkWebhooksFeedTheConversionReport() throws Exception {
        String p = "sess-" + UUID.randomUUID() + "-";
        // s1 (callbacks): Chase, success
        List<Map<String, Object>> callbacks = new ArrayList<>(List.of(
                cb("ON_EVENT", p + "1", 0, "OPEN", null, null, null, null),
                cb("ON_EVENT", p + "1", 1, "TRANSITION_VIEW", "SELECT_INSTITUTION", null, null, null),
                cb("ON_EVENT", p + "1", 2, "SELECT_INSTITUTION", null, "ins_3", null, null),
                cb("ON_EVENT", p + "1", 3, "TRANSITION_VIEW", "CREDENTIAL", "ins_3", null, null),
                cb("ON_EVENT", p + "1", 4, "HANDOFF", null, "ins_3", null, null),
                cb("ON_SUCCESS", p + "1", 5, null, null, "ins_3", null, null),
                // s2 (callbacks): Chase, bad password, exit
                cb("ON_EVENT", p + "2", 10, "OPEN", null, null, null, null),
                cb("ON_EVENT", p + "2", 11, "TRANSITION_VIEW", "SELECT_INSTITUTION", null, null, null),
                cb("ON_EVENT", p + "2", 12, "SELECT_INSTITUTION", null, "ins_3", null, null),
                cb("ON_EVENT", p + "2", 13, "TRANSITION_VIEW", "CREDENTIAL", "ins_3", null, null),
                cb("ON_EVENT", p + "2", 14, "ERROR", null, "ins_3", "INVALID_CREDENTIALS", null),
                cb("ON_EXIT", p + "2", 15, null, null, "ins_3", "INVALID_CREDENTIALS", "requires_credentials"),
                // s3 (callbacks): institution not found
                cb("ON_EVENT", p + "3", 20, "OPEN", null, null, null, null),
                cb("ON_EVENT", p + "3", 21, "TRANSITION_VIEW", "SELECT_INSTITUTION", null, null, null),
                cb("ON_EXIT", p + "3", 22, null, null, null, null, "institution_not_found")));
        Response stored = post("/link/events", callbacks);
        assertEquals(200, stored.statusCode(), stored.asString());
        assertEquals(callbacks.size(), tree(stored).path("stored").asInt());
        // forwarded twice by a retrying app: stored once
        assertEquals(0, tree(post("/link/events", callbacks)).path("stored").asInt());
        Response bad = post("/link/events", List.of(Map.of("callback", "ON_EVENT", "link_session_id", "x")));
        assertEquals(400, bad.statusCode());
        assertEquals("[0].timestamp", tree(bad).path("field").asText());

        // s4 (LINK webhooks only): OAuth bank; EVENTS arrives twice, the second cumulative; then SESSION_FINISHED
        String s4 = p + "4";
        var e1 = linkEvent(p + "e1", 30, "OPEN", Map.of("request_id", "r1"));
        var e2 = linkEvent(p + "e2", 31, "SELECT_INSTITUTION", Map.of("institution_id", "ins_127287", "institution_name", "Platypus OAuth Bank"));
        var e3 = linkEvent(p + "e3", 32, "TRANSITION_VIEW", Map.of("view_name", "OAUTH", "institution_id", "ins_127287"));
        var e4 = linkEvent(p + "e4", 33, "OPEN_OAUTH", Map.of("institution_id", "ins_127287"));
        KAFKA.send(Topics.PLAID_WEBHOOKS_LINK, s4, linkWebhook("EVENTS", s4, Map.of("webhook_type", "LINK", "webhook_code", "EVENTS",
                "link_session_id", s4, "link_token", "link-sandbox-unknown", "events", List.of(e1, e2))).toJson());
        KAFKA.send(Topics.PLAID_WEBHOOKS_LINK, s4, linkWebhook("EVENTS", s4, Map.of("webhook_type", "LINK", "webhook_code", "EVENTS",
                "link_session_id", s4, "link_token", "link-sandbox-unknown", "events", List.of(e1, e2, e3, e4))).toJson());
        KAFKA.send(Topics.PLAID_WEBHOOKS_LINK, s4, linkWebhook("SESSION_FINISHED", s4, Map.of("webhook_type", "LINK",
                "webhook_code", "SESSION_FINISHED", "status", "SUCCESS", "link_session_id", s4, "link_token", "link-sandbox-unknown",
                "public_tokens", List.of())).toJson());
        long deadline = System.currentTimeMillis() + WAIT.toMillis();
        while (count("SELECT count(*) FROM link_event WHERE link_session_id = ?", s4) < 5) {
            assertTrue(System.currentTimeMillis() < deadline, "LINK webhooks not stored");
            Thread.sleep(200);
        }
        assertEquals(5, count("SELECT count(*) FROM link_event WHERE link_session_id = ?", s4), "events de-duplicated by event_id");

        String from = T0.toString();
        String to = T0.plusSeconds(3600).toString();
        Response report = app().queryParam("from", from).queryParam("to", to).get("/link/conversion");
        assertEquals(200, report.statusCode(), report.asString());
        JsonNode all = tree(report).path("overall");
        assertEquals(4, all.path("sessions_opened").asInt(), all.toString());
        assertEquals(4, all.path("reached_institution_select").asInt(), all.toString());
        assertEquals(3, all.path("reached_credential_pane").asInt(), all.toString());
        assertEquals(2, all.path("succeeded").asInt(), all.toString());
        assertEquals(2, all.path("exited").asInt(), all.toString());
        assertEquals(1, all.path("exits_by_status").path("requires_credentials").asInt(), all.toString());
        assertEquals(1, all.path("exits_by_status").path("institution_not_found").asInt(), all.toString());
        assertEquals(1, all.path("exits_by_error_code").path("INVALID_CREDENTIALS").asInt(), all.toString());
        assertEquals(0.75, all.path("institution_select_to_credential_rate").asDouble(), all.toString());
        assertEquals(0.6667, all.path("credential_to_success_rate").asDouble(), all.toString());
        JsonNode institutions = tree(report).path("institutions");
        assertEquals(2, institutions.size(), institutions.toString());
        assertEquals("ins_3", institutions.get(0).path("institution_id").asText());
        assertEquals(0.5, institutions.get(0).path("credential_to_success_rate").asDouble());
        assertEquals("ins_127287", institutions.get(1).path("institution_id").asText());
        assertEquals(1.0, institutions.get(1).path("credential_to_success_rate").asDouble());

        Response csv = app().queryParam("from", from).queryParam("to", to).get("/link/conversion.csv");
        assertEquals(200, csv.statusCode(), csv.asString());
        assertTrue(csv.contentType().startsWith("text/csv"), csv.contentType());
        String[] lines = csv.asString().split("\r\n");
        assertEquals(4, lines.length, csv.asString());
        assertTrue(lines[1].startsWith("overall,,,4,4,3,2,2,0.75,0.6667,"), lines[1]);
        assertTrue(lines[2].startsWith("institution,ins_3,Chase,2,2,2,1,1,1.0,0.5,"), lines[2]);

        Response badRange = app().queryParam("from", to).queryParam("to", from).get("/link/conversion");
        assertEquals(400, badRange.statusCode());
        assertEquals("to", tree(badRange).path("field").asText());
        IDENTIFIERS.add(s4);
    }

    /**
     * The app's onSuccess call and the ITEM_ADD_RESULT webhook race for one one-time public token. The twin that
     * loses hears INVALID_PUBLIC_TOKEN from Plaid while the winner has its Plaid answer but has not committed yet; it
     * must wait for the winner's result and answer that Item, not a 400 (found by the identity replica proof under
     * load). Here the winner is played by the test: it uses the token up at Plaid, then commits its rows late.
     */
    @Test
    @Order(10)
    void anExchangeThatLosesTheRaceForItsTokenAnswersTheTwinsItem() throws Exception {
        String user = newUser();
        String linkToken = createToken(products(tokenRequest("NEW_ITEM", user), "products", "auth")).path("link_token").asText();
        JsonNode session = linkSession(linkToken, Map.of("institution_id", "ins_109508"));
        String publicToken = session.path("public_token").asText();
        JsonNode twin = usePublicTokenAtPlaid(publicToken);
        String itemId = twin.path("item_id").asText();

        ObjectNode exchange = exchangeBody(user, session, linkToken);
        CompletableFuture<Response> loser = CompletableFuture.supplyAsync(() -> post("/link/exchanges", exchange));
        Thread.sleep(1500);
        assertFalse(loser.isDone(), "the loser waits for its twin instead of answering Plaid's error at once");
        LinkTestSupport.sql(c -> {
            try (var item = c.prepareStatement("INSERT INTO linked_item (item_id, client_user_id, institution_id, institution_name,"
                    + " accounts, products, token_key_id, token_ciphertext, link_session_id, linked_at) VALUES (?, ?, 'ins_109508',"
                    + " 'First Platypus Bank', '[]', '{\"products\":[\"auth\"]}', 'k', 'sealed-by-the-twin', ?, now())");
                 var done = c.prepareStatement("INSERT INTO public_token_exchange (public_token_sha256, client_user_id, item_id,"
                         + " link_session_id, exchanged_at) VALUES (?, ?, ?, ?, now())")) {
                item.setString(1, itemId);
                item.setString(2, user);
                item.setString(3, session.path("link_session_id").asText());
                item.executeUpdate();
                done.setString(1, Json.sha256(publicToken));
                done.setString(2, user);
                done.setString(3, itemId);
                done.setString(4, session.path("link_session_id").asText());
                return done.executeUpdate();
            }
        });
        Response r = loser.get(30, TimeUnit.SECONDS);
        assertEquals(200, r.statusCode(), r.asString());
        assertEquals(itemId, tree(r).path("item_id").asText());
        assertEquals(1, count("SELECT count(*) FROM linked_item WHERE client_user_id = ?", user));
    }

    /** A token used up elsewhere and never stored here is Plaid's error after the wait: 400, nothing stored. */
    @Test
    @Order(11)
    void aPublicTokenUsedElsewhereIsRefusedAfterTheTwinWait() {
        String user = newUser();
        String linkToken = createToken(products(tokenRequest("NEW_ITEM", user), "products", "auth")).path("link_token").asText();
        JsonNode session = linkSession(linkToken, Map.of("institution_id", "ins_109508"));
        usePublicTokenAtPlaid(session.path("public_token").asText());
        long started = System.nanoTime();
        Response r = post("/link/exchanges", exchangeBody(user, session, null));
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertEquals(400, r.statusCode(), r.asString());
        assertEquals("PLAID_INVALID_PUBLIC_TOKEN", tree(r).path("code").asText(), r.asString());
        assertTrue(waitedMillis >= 9_000, "waited the configured 10 s for a twin first: " + waitedMillis + " ms");
        assertEquals(0, count("SELECT count(*) FROM linked_item WHERE client_user_id = ?", user));
    }

    /** Exchanges the public token at the emulator directly, as another caller would: it cannot be exchanged again. */
    static JsonNode usePublicTokenAtPlaid(String publicToken) {
        JsonNode used = LinkTestSupport.emulator().post("/item/public_token/exchange", Map.of(
                "client_id", PlaidEmulatorResource.CLIENT_ID, "secret", PlaidEmulatorResource.SECRET, "public_token", publicToken));
        assertFalse(used.path("item_id").asText().isBlank(), used.toString());
        return used;
    }

    @Test
    @Order(100)
    void logsCarryPlaidIdentifiersButNeverAccessTokens() throws Exception {
        Path log = Path.of("target/link-service-test.log");
        assertTrue(Files.exists(log), "the test profile writes the log to " + log.toAbsolutePath());
        String text = Files.readString(log);
        Matcher m = Pattern.compile("access-(sandbox|development|production)-[0-9a-f-]{8,}").matcher(text);
        assertFalse(m.find(), () -> "an access token was logged: " + m.group());
        for (String ciphertext : CIPHERTEXTS) {
            assertFalse(text.contains(ciphertext), "a sealed token's ciphertext was logged");
        }
        assertFalse(CIPHERTEXTS.isEmpty());
        for (String id : IDENTIFIERS) {
            assertTrue(text.contains(id), "identifier " + id + " is not in the log");
        }
        assertTrue(text.contains("item_id="), "item ids are logged");
        assertTrue(text.contains("link_session_id="), "link session ids are logged");
        assertTrue(text.contains("request_id="), "request ids are logged");
        assertNull(null);
    }
}
