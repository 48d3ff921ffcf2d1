package dev.tartan.link.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tartan.contracts.EventJson;
import dev.tartan.testsupport.EmulatorClient;
import dev.tartan.testsupport.PlaidEmulatorResource;
import dev.tartan.testsupport.TartanInfra;
import dev.tartan.testsupport.TestJwt;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.UUID;

/** Helpers shared by the link-service wiring tests: the app's calls, the emulator's Link, the database. */
final class LinkTestSupport {

    static final String APP_JWT = TestJwt.token("app-backend", "app");

    private LinkTestSupport() {
    }

    static String newUser() {
        return "user-" + UUID.randomUUID();
    }

    static RequestSpecification app() {
        return RestAssured.given().header("Authorization", "Bearer " + APP_JWT).contentType(ContentType.JSON);
    }

    static Response post(String path, Object body) {
        return app().body(json(body)).post(path);
    }

    static String json(Object body) {
        try {
            return body instanceof String s ? s : EventJson.mapper().writeValueAsString(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode tree(Response r) {
        try {
            return EventJson.mapper().readTree(r.asString());
        } catch (Exception e) {
            throw new IllegalStateException(r.asString(), e);
        }
    }

    static ObjectNode obj() {
        return EventJson.mapper().createObjectNode();
    }

    static EmulatorClient emulator() {
        return PlaidEmulatorResource.client();
    }

    /** Plays a Link session in the emulator for a token, as the user would in Link; returns onSuccess/onExit data. */
    static JsonNode linkSession(String linkToken, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("link_token", linkToken);
        body.put("outcome", "success");
        body.put("username", "user_good");
        body.put("password", "pass_good");
        body.putAll(extra);
        return emulator().post("/emulator/link/sessions", body);
    }

    /** Link's onSuccess metadata built from an emulator session. */
    static ObjectNode metadataOf(JsonNode session) {
        ObjectNode md = obj();
        md.put("link_session_id", session.path("link_session_id").asText());
        md.set("institution", session.path("institution"));
        md.set("accounts", session.path("accounts"));
        return md;
    }

    /** The body of {@code POST /link/exchanges} for a played Link session; {@code linkToken} may be null (not sent). */
    static ObjectNode exchangeBody(String user, JsonNode session, String linkToken) {
        ObjectNode body = obj();
        body.put("client_user_id", user);
        body.put("public_token", session.path("public_token").asText());
        if (linkToken != null) {
            body.put("link_token", linkToken);
        }
        body.set("metadata", metadataOf(session));
        return body;
    }

    static <T> T sql(SqlWork<T> work) {
        try (Connection c = TartanInfra.get().connect(TartanInfra.get().serviceDatabase("link"))) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static long count(String query, Object... args) {
        return sql(c -> {
            try (var ps = c.prepareStatement(query)) {
                for (int i = 0; i < args.length; i++) {
                    ps.setObject(i + 1, args[i]);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }
}
