package dev.tartan.emulator.webhook;

import dev.tartan.emulator.api.Json;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WebhookBodyWriterTest {
    @Test
    void writesPlaidsTwoSpaceLayout() {
        String body = WebhookBodyWriter.write(Json.obj("webhook_type", "ITEM", "error", null,
                "ids", List.of("a", "b"), "empty", List.of(), "nested", Map.of("k", 1), "none", Map.of(),
                "text", "quote \" and é"));
        assertEquals("""
                {
                  "webhook_type": "ITEM",
                  "error": null,
                  "ids": [
                    "a",
                    "b"
                  ],
                  "empty": [],
                  "nested": {
                    "k": 1
                  },
                  "none": {},
                  "text": "quote \\" and é"
                }""", body);
    }
}
