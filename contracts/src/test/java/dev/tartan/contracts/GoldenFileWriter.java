package dev.tartan.contracts;

import com.fasterxml.jackson.databind.SerializationFeature;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the golden files from the samples in {@link GoldenEventJsonTest}. Run it by hand after an
 * intended schema change, then review the diff: {@code java -cp ... dev.tartan.contracts.GoldenFileWriter contracts/src/test/resources/golden}.
 */
public final class GoldenFileWriter {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        for (EventType<?> type : EventTypes.all()) {
            Object payload = GoldenEventJsonTest.samples().get(type.name());
            EventEnvelope e = wrap(type, payload);
            String json = EventJson.mapper().copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(e);
            Files.writeString(dir.resolve(type.name() + ".json"), json + "\n");
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> EventEnvelope wrap(EventType<T> type, Object payload) {
        return EventEnvelope.wrap(type, "evt-" + type.name(), "golden", GoldenEventJsonTest.T, "subject-1", (T) payload);
    }
}
