package dev.tartan.beacon.screening;

import dev.tartan.messaging.consumer.PermanentEventFailure;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BeaconWebhookTest {

    @Test
    void eachCodeLeadsToItsFollowUp() {
        assertEquals(new BeaconWebhook("USER_STATUS_UPDATED", BeaconWebhook.FollowUp.USER_GET, "becusr_1"),
                BeaconWebhook.parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"USER_STATUS_UPDATED\",\"beacon_user_id\":\"becusr_1\",\"environment\":\"sandbox\"}"));
        assertEquals(BeaconWebhook.FollowUp.REPORT_GET,
                BeaconWebhook.parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"REPORT_UPDATED\",\"beacon_report_id\":\"becrpt_1\"}").followUp());
        assertEquals(BeaconWebhook.FollowUp.REPORT_GET,
                BeaconWebhook.parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"REPORT_CREATED\",\"beacon_report_id\":\"becrpt_1\"}").followUp());
        assertEquals("becrsn_1", BeaconWebhook.parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"REPORT_SYNDICATION_CREATED\","
                + "\"beacon_report_syndication_id\":\"becrsn_1\"}").objectId());
        assertEquals("becdup_1", BeaconWebhook.parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"DUPLICATE_DETECTED\","
                + "\"beacon_duplicate_id\":\"becdup_1\",\"extra\":true}").objectId());
    }

    @Test
    void unknownCodesAreNotErrors() {
        assertEquals(BeaconWebhook.FollowUp.NONE, BeaconWebhook.parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"NEW_THING\"}").followUp());
    }

    @Test
    void brokenBodiesArePermanentFailures() {
        assertThrows(PermanentEventFailure.class, () -> BeaconWebhook.parse("not json"));
        assertThrows(PermanentEventFailure.class, () -> BeaconWebhook.parse("{\"webhook_type\":\"ITEM\",\"webhook_code\":\"ERROR\"}"));
        assertThrows(PermanentEventFailure.class, () -> BeaconWebhook.parse("{\"webhook_type\":\"BEACON\",\"webhook_code\":\"USER_STATUS_UPDATED\"}"));
    }
}
