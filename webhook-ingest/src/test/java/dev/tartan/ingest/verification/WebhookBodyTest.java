package dev.tartan.ingest.verification;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WebhookBodyTest {

    private static WebhookBody parse(String s) {
        return WebhookBody.parse(s.getBytes(StandardCharsets.UTF_8));
    }

    private static RejectionReason reason(byte[] raw) {
        return assertThrows(WebhookRejectedException.class, () -> WebhookBody.parse(raw)).reason();
    }

    @Test
    void keyPrefersItemThenBeaconThenLinkSession() {
        assertEquals("it", parse("{\"webhook_type\":\"ITEM\",\"webhook_code\":\"ERROR\",\"item_id\":\"it\",\"link_session_id\":\"ls\"}").partitionKey());
        assertEquals("becusr_1", parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"USER_STATUS_UPDATED\",\"beacon_user_id\":\"becusr_1\"}").partitionKey());
        assertEquals("becrpt_1", parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"REPORT_CREATED\",\"beacon_report_id\":\"becrpt_1\"}").partitionKey());
        assertEquals("becrsn_1", parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"REPORT_SYNDICATION_CREATED\",\"beacon_report_syndication_id\":\"becrsn_1\"}").partitionKey());
        assertEquals("becdup_1", parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"DUPLICATE_DETECTED\",\"beacon_duplicate_id\":\"becdup_1\"}").partitionKey());
        assertEquals("ls", parse("{\"webhook_type\":\"LINK\",\"webhook_code\":\"EVENTS\",\"link_session_id\":\"ls\"}").partitionKey());
        assertNull(parse("{\"webhook_type\":\"NEW\",\"webhook_code\":\"X\"}").partitionKey());
    }

    @Test
    void bodyTextKeptExactly() {
        String s = "{\n  \"webhook_type\": \"ITEM\",\n  \"webhook_code\": \"ERROR\",\n  \"x\": \"é\"\n}";
        assertEquals(s, parse(s).text());
    }

    @Test
    void malformedBodies() {
        assertEquals(RejectionReason.MALFORMED_BODY, reason("{".getBytes()));
        assertEquals(RejectionReason.MALFORMED_BODY, reason("[]".getBytes()));
        assertEquals(RejectionReason.MALFORMED_BODY, reason("".getBytes()));
        assertEquals(RejectionReason.MALFORMED_BODY, reason("{\"webhook_type\":\"ITEM\"}".getBytes()));
        assertEquals(RejectionReason.MALFORMED_BODY, reason("{\"webhook_type\":1,\"webhook_code\":\"X\"}".getBytes()));
        assertEquals(RejectionReason.MALFORMED_BODY, reason("{\"webhook_type\":\"A\",\"webhook_code\":\"X\"} {}".getBytes()));
        assertEquals(RejectionReason.MALFORMED_BODY, reason("{\"webhook_type\":\"A\",\"webhook_code\":\"X\",\"webhook_code\":\"Y\"}".getBytes()));
        assertEquals(RejectionReason.INVALID_UTF8, reason(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}));
        assertEquals(RejectionReason.INVALID_UTF8, reason(new byte[] {'{', (byte) 0xFF, '}'}));
    }
}
