package dev.tartan.contracts;

/**
 * Describes one versioned event or command: its CloudEvents {@code type}, the schema version of its
 * data, the Java record that carries it and the topic it is published to.
 *
 * @param <T> the payload record
 */
public record EventType<T>(String name, int version, Class<T> payloadClass, String topic) {

    public EventType {
        if (!name.endsWith(".v" + version)) {
            throw new IllegalArgumentException("event type " + name + " must end with .v" + version);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
