package dev.tartan.emulator.control;

/** In-memory state that {@code POST /emulator/reset} clears (beans implementing it are found by CDI). */
public interface Resettable {
    void reset();
}
