package dev.tartan.system.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;
import com.plaid.client.ApiClient;
import com.plaid.client.model.BeaconUserGetResponse;
import com.plaid.client.model.BeaconUserReviewRequest;
import com.plaid.client.model.BeaconUserStatus;
import com.plaid.client.model.SandboxItemResetLoginRequest;
import com.plaid.client.model.SandboxItemResetLoginResponse;
import com.plaid.client.request.PlaidApi;

import retrofit2.Response;

/**
 * What the app backend (and, for the emulator's control API, Plaid Link and Plaid itself) does in the system
 * scenarios and the demo: ask link-service for tokens, play Link at the emulator, post the result, make Plaid send
 * webhooks, read Items from item-service. Every HTTP call goes to {@code onCall}.
 */
public final class Journey {

    public static final String DEFAULT_INSTITUTION = "ins_109508";

    /** An Item linked through link-service. */
    public record Linked(String itemId, String clientUserId, String institutionId, String linkSessionId,
            JsonNode accounts) {
    }

    private final SystemPorts ports;
    private final Function<String, String> appToken;
    private final Http http;
    private final Consumer<Http.Call> onCall;
    private PlaidApi plaid;

    public Journey(SystemPorts ports, Function<String, String> appToken, Consumer<Http.Call> onCall) {
        this.ports = ports;
        this.appToken = appToken;
        this.onCall = onCall;
        this.http = new Http(onCall);
    }

    public Http http() {
        return http;
    }

    String link(String path) {
        return ports.url(TartanSystem.LINK) + path;
    }

    String item(String path) {
        return ports.url(TartanSystem.ITEM) + path;
    }

    String emulator(String path) {
        return ports.url(TartanSystem.EMULATOR) + path;
    }

    /** POST /link/tokens for a new Item. */
    public String newItemLinkToken(String user, List<String> products) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flow", "NEW_ITEM");
        body.put("client_user_id", user);
        body.put("products", products);
        body.put("country_codes", List.of("US"));
        return http.post(link("link/tokens"), appToken.apply(user), body).expect(200).json().path("link_token")
                .asText();
    }

    /** The emulator plays Plaid Link with the test user; returns what Link's onSuccess carries. */
    public JsonNode playLink(String linkToken, String institutionId, List<String> masks) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("link_token", linkToken);
        if (institutionId != null) {
            body.put("institution_id", institutionId);
        }
        if (masks != null) {
            body.put("accounts", masks);
        }
        body.put("username", "user_good");
        body.put("password", "pass_good");
        JsonNode r = http.post(emulator("emulator/link/sessions"), null, body).expect(200).json();
        if (!"SUCCESS".equals(r.path("status").asText())) {
            throw new AssertionError("Link session did not succeed: " + r);
        }
        return r;
    }

    /** POST /link/exchanges with Link's onSuccess metadata; returns the raw call (200, or 409 for a duplicate). */
    public Http.Call exchange(String user, String linkToken, JsonNode onSuccess) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("link_session_id", onSuccess.path("link_session_id").asText());
        metadata.put("institution", onSuccess.path("institution"));
        metadata.put("accounts", onSuccess.path("accounts"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_user_id", user);
        body.put("public_token", onSuccess.path("public_token").asText());
        body.put("link_token", linkToken);
        body.put("metadata", metadata);
        return http.post(link("link/exchanges"), appToken.apply(user), body);
    }

    /** The whole new-Item flow: token, Link session, exchange. */
    public Linked linkBank(String user, String institutionId, List<String> masks, List<String> products) {
        String token = newItemLinkToken(user, products);
        JsonNode onSuccess = playLink(token, institutionId, masks);
        JsonNode r = exchange(user, token, onSuccess).expect(200).json();
        return new Linked(r.path("item_id").asText(), user, institutionId, onSuccess.path("link_session_id").asText(),
                onSuccess.path("accounts"));
    }

    /** GET /items/{id} at item-service (200 body, or null on 404). */
    public JsonNode itemView(String user, String itemId) {
        Http.Call c = http.get(item("items/" + itemId), appToken.apply(user));
        return c.status() == 404 ? null : c.expect(200).json();
    }

    /** Polls item-service until the Item's status is {@code status}. */
    public JsonNode awaitItemStatus(String user, String itemId, String status, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        Http quiet = new Http(c -> { });
        while (System.nanoTime() < deadline) {
            Http.Call c = quiet.get(item("items/" + itemId), appToken.apply(user));
            if (c.status() == 200) {
                last = c.json();
                if (status.equals(last.path("status").asText())) {
                    // show the final read to the listener
                    return itemView(user, itemId);
                }
            }
            TartanSystem.sleep(100);
        }
        throw new AssertionError("item " + itemId + " not " + status + " within " + timeout.toSeconds() + " s; last: "
                + last);
    }

    /** Plaid sends an ITEM webhook for the Item (signed by the emulator, delivered to ingest). */
    public JsonNode fireItemWebhook(String itemId, String code, Map<String, Object> fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("webhook_type", "ITEM");
        body.put("webhook_code", code);
        body.put("item_id", itemId);
        if (fields != null) {
            body.put("fields", fields);
        }
        return http.post(emulator("emulator/webhooks/fire"), null, body).expect(200).json();
    }

    /**
     * Plaid's {@code /sandbox/item/reset_login} through plaid-java, as an app backend testing in the sandbox calls it:
     * Plaid (the emulator) puts the Item into ITEM_LOGIN_REQUIRED and sends a signed ITEM ERROR webhook. The access
     * token comes from the emulator's control API (it issued it); it is never shown, not even to {@code onCall}.
     *
     * @return the emulator's delivery of the ITEM ERROR webhook the reset caused
     */
    public JsonNode resetLogin(String itemId) {
        Http quiet = new Http(c -> { });
        String accessToken = quiet.get(emulator("emulator/items/" + itemId + "/access_token"), null).expect(200)
                .json().path("access_token").asText();
        long started = System.nanoTime();
        Response<SandboxItemResetLoginResponse> response;
        try {
            response = plaid().sandboxItemResetLogin(new SandboxItemResetLoginRequest().accessToken(accessToken))
                    .execute();
        } catch (java.io.IOException e) {
            throw new AssertionError("/sandbox/item/reset_login failed: " + e, e);
        }
        String answer;
        try {
            answer = response.isSuccessful() ? "{\"reset_login\": " + response.body().getResetLogin()
                    + ", \"request_id\": \"" + response.body().getRequestId() + "\"}"
                    : response.errorBody() == null ? "" : response.errorBody().string();
        } catch (java.io.IOException e) {
            answer = "";
        }
        onCall.accept(new Http.Call("POST", emulator("sandbox/item/reset_login"),
                "{\"access_token\": \"(the Item's access token)\"}", response.code(), answer,
                (System.nanoTime() - started) / 1_000_000));
        if (!response.isSuccessful() || !Boolean.TRUE.equals(response.body().getResetLogin())) {
            throw new AssertionError("/sandbox/item/reset_login for " + itemId + ": HTTP " + response.code() + " "
                    + answer);
        }
        JsonNode deliveries = quiet.get(emulator("emulator/webhooks/deliveries?item_id=" + itemId
                + "&webhook_type=ITEM&webhook_code=ERROR"), null).expect(200).json().path("deliveries");
        if (deliveries.isEmpty()) {
            throw new AssertionError("reset_login for " + itemId + " caused no ITEM ERROR webhook delivery");
        }
        return deliveries.get(deliveries.size() - 1);
    }

    private synchronized PlaidApi plaid() {
        if (plaid == null) {
            ApiClient client = new ApiClient(Map.of("clientId", TartanSystem.PLAID_CLIENT_ID,
                    "secret", TartanSystem.PLAID_SECRET));
            // plaid-java prints a warning to System.out for any base URL but Plaid's own; the emulator's is meant
            java.io.PrintStream out = System.out;
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
            try {
                client.setPlaidAdapter(ports.url(TartanSystem.EMULATOR));
            } finally {
                System.setOut(out);
            }
            plaid = client.createService(PlaidApi.class);
        }
        return plaid;
    }

    /** The emulator's record of one webhook delivery (attempts, status). */
    public JsonNode delivery(String deliveryId) {
        return http.get(emulator("emulator/webhooks/deliveries/" + deliveryId), null).expect(200).json();
    }

    /** Waits until the emulator saw a 200 from ingest for the delivery; returns the delivery. */
    public JsonNode awaitDelivered(String deliveryId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Http quiet = new Http(c -> { });
        JsonNode d = null;
        while (System.nanoTime() < deadline) {
            d = quiet.get(emulator("emulator/webhooks/deliveries/" + deliveryId), null).expect(200).json();
            if ("DELIVERED".equals(d.path("state").asText())) {
                return d;
            }
            TartanSystem.sleep(100);
        }
        throw new AssertionError("delivery " + deliveryId + " not delivered within " + timeout.toSeconds() + " s: " + d);
    }

    /** POST /link/tokens in update mode for the Item (the user acts on the re-link prompt). */
    public JsonNode updateModeToken(String user, String itemId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("flow", "UPDATE");
        body.put("client_user_id", user);
        body.put("item_id", itemId);
        body.put("country_codes", List.of("US"));
        return http.post(link("link/tokens"), appToken.apply(user), body).expect(200).json();
    }

    /** GET /link/users/{user}/relink-prompts. */
    public JsonNode relinkPrompts(String user) {
        return http.get(link("link/users/" + user + "/relink-prompts"), appToken.apply(user)).expect(200).json();
    }

    /** Plays the update-mode Link session and posts the completion; returns link-service's answer. */
    public JsonNode completeUpdate(String user, String itemId, String linkToken, List<String> masks) {
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("link_token", linkToken);
        if (masks != null) {
            session.put("accounts", masks);
        }
        JsonNode r = http.post(emulator("emulator/link/sessions"), null, session).expect(200).json();
        if (!"SUCCESS".equals(r.path("status").asText())) {
            throw new AssertionError("update-mode session did not succeed: " + r);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("link_session_id", r.path("link_session_id").asText());
        metadata.put("accounts", r.path("accounts"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_user_id", user);
        body.put("item_id", itemId);
        body.put("metadata", metadata);
        return http.post(link("link/update-completions"), appToken.apply(user), body).expect(200).json();
    }

    /** POST /users/{user}/activity at item-service (the app saw the user). */
    public void recordActivity(String user) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", "app_open");
        Http.Call c = http.post(item("users/" + user + "/activity"), appToken.apply(user), body);
        if (c.status() / 100 != 2) {
            throw new AssertionError("activity refused: " + c.status() + " " + c.responseBody());
        }
    }

    /** POST /items/{id}/removal at item-service (the user closed the account): 202 expected. */
    public void requestRemoval(String user, String itemId, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reason", reason);
        Http.Call c = http.post(item("items/" + itemId + "/removal"), appToken.apply(user), body);
        if (c.status() / 100 != 2) {
            throw new AssertionError("removal refused: " + c.status() + " " + c.responseBody());
        }
    }

    /**
     * PUT /identity/users/{user}/profile at the identity-service instance at {@code identityUrl}: what the app knows of
     * its user, to match against what the bank holds.
     */
    public void putIdentityProfile(String identityUrl, String user, String legalName, String phone, String email) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("legal_name", legalName);
        body.put("phone_number", phone);
        body.put("email_address", email);
        body.put("address", Map.of("street", "2992 Cameron Road", "city", "Malakoff", "region", "NY",
                "postal_code", "14236", "country", "US"));
        http.send("PUT", identityUrl + "identity/users/" + user + "/profile", appToken.apply(user), body).expect(200);
    }

    /** POST /beacon/users at beacon-service: the app screens a new end user (201 with the status Beacon gave). */
    public JsonNode createBeaconUser(String user, String givenName, String familyName, String dateOfBirth) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("name", Map.of("given_name", givenName, "family_name", familyName));
        data.put("date_of_birth", dateOfBirth);
        data.put("address", Map.of("street", "123 Main St.", "city", "Pawnee", "region", "IN", "postal_code", "46001",
                "country", "US"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_user_id", user);
        body.put("user", data);
        return http.post(ports.url(TartanSystem.BEACON) + "beacon/users", appToken.apply(user), body).expect(201)
                .json();
    }

    /**
     * A fraud analyst changes a Beacon user's status in Plaid's Dashboard: Plaid records the review
     * ({@code /beacon/user/review}, through plaid-java) and sends BEACON {@code USER_STATUS_UPDATED}, signed, to
     * webhook-ingest. The emulator fires no webhook for API reviews (the caller made the change), so the test fires
     * the one Plaid sends for Dashboard changes.
     *
     * @return the emulator's answer to the fire (its delivery id)
     */
    public JsonNode dashboardReview(String beaconUserId, String status) {
        Response<BeaconUserGetResponse> response;
        try {
            response = plaid().beaconUserReview(new BeaconUserReviewRequest().beaconUserId(beaconUserId)
                    .status(BeaconUserStatus.fromValue(status))).execute();
        } catch (java.io.IOException e) {
            throw new AssertionError("/beacon/user/review failed: " + e, e);
        }
        if (!response.isSuccessful()) {
            throw new AssertionError("/beacon/user/review for " + beaconUserId + ": HTTP " + response.code());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("webhook_type", "BEACON");
        body.put("webhook_code", "USER_STATUS_UPDATED");
        body.put("beacon_user_id", beaconUserId);
        return http.post(emulator("emulator/webhooks/fire"), null, body).expect(200).json();
    }

    /** The emulator's view of an Item (status HEALTHY, ERROR, REMOVED). */
    public JsonNode emulatorItem(String itemId) {
        return http.get(emulator("emulator/items/" + itemId), null).expect(200).json();
    }

    public static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }
}
