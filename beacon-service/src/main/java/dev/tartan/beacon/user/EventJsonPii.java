package dev.tartan.beacon.user;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tartan.contracts.EventJson;

/** JSON of user data for encryption; errors never quote the data. */
final class EventJsonPii {

    private EventJsonPii() {
    }

    static String write(UserData data) {
        try {
            return EventJson.mapper().writeValueAsString(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("user data could not be serialised");
        }
    }

    static UserData read(String json) {
        try {
            return EventJson.mapper().readValue(json, UserData.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored user data could not be read");
        }
    }
}
