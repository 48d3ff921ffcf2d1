package dev.tartan.emulator.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The schema checker must be able to fail, or validating every response proves nothing. */
class OpenApiSchemasTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static JsonNode json(String s) throws Exception {
        return MAPPER.readTree(s);
    }

    @Test
    void detectsMissingRequiredFieldsWrongTypesBadEnumsAndNulls() throws Exception {
        OpenApiSchemas schemas = OpenApiSchemas.get();
        assertTrue(schemas.validateResponse("/item/public_token/exchange", 200,
                json("{\"access_token\":\"a\",\"item_id\":\"i\",\"request_id\":\"r\"}")).isEmpty());
        assertTrue(schemas.validateResponse("/item/public_token/exchange", 200,
                json("{\"access_token\":\"a\",\"request_id\":\"r\"}")).toString().contains("item_id"));
        assertTrue(schemas.validateResponse("/item/public_token/exchange", 200,
                json("{\"access_token\":1,\"item_id\":\"i\",\"request_id\":\"r\"}")).toString()
                .contains("expected string"));
        assertTrue(!schemas.validateResponse("/beacon/user/review", 200, json("{\"status\":\"approved\"}"))
                .isEmpty());
        // PlaidError: error_type is an enum, display_message nullable, error_message not
        assertTrue(schemas.validateResponse("/item/get", 400, json("{\"error_type\":\"ITEM_ERROR\","
                + "\"error_code\":\"X\",\"error_message\":\"m\",\"display_message\":null}")).isEmpty());
        assertTrue(!schemas.validateResponse("/item/get", 400, json("{\"error_type\":\"NOPE\","
                + "\"error_code\":\"X\",\"error_message\":\"m\",\"display_message\":null}")).isEmpty());
        assertTrue(!schemas.validateResponse("/item/get", 400, json("{\"error_type\":\"ITEM_ERROR\","
                + "\"error_code\":\"X\",\"error_message\":null,\"display_message\":null}")).isEmpty());
        // nested allOf + $ref: an Item without webhook fails inside /item/get
        assertTrue(schemas.validateResponse("/item/get", 200, json("{\"request_id\":\"r\",\"item\":{"
                + "\"item_id\":\"i\",\"error\":null,\"available_products\":[],\"billed_products\":[],"
                + "\"consent_expiration_time\":null,\"update_type\":\"background\"}}")).toString()
                .contains("webhook"));
    }
}
