package dev.tartan.messaging.consumer;

/**
 * A consumed record that can never be processed (validation, unknown type, contradictory data).
 * It goes to the dead-letter topic at once instead of being retried.
 */
public class PermanentEventFailure extends RuntimeException {
    public PermanentEventFailure(String message) {
        super(message);
    }

    public PermanentEventFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
