package dev.tartan.contracts;

/** A record that cannot be understood. Permanent: it belongs on the dead-letter topic, never in a retry loop. */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
