package dev.tartan.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The handshake between a child main ({@link KafkaBrokerMain}, {@link PostgresMain}) and {@link InfraProcess}:
 * the child deletes {@code <dir>/ready} when it starts and writes it (atomically) once it serves requests.
 * JDK only, so launcher-side code may use it.
 */
public final class ReadyFile {

    public static final String NAME = "ready";

    private ReadyFile() {
    }

    public static Path in(Path dir) {
        return dir.resolve(NAME);
    }

    public static void clear(Path dir) {
        try {
            Files.deleteIfExists(in(dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code pid=...} and the given line atomically, then prints {@code READY <line>} on stdout. */
    public static void markReady(Path dir, String line) {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve(NAME + ".tmp");
            Files.writeString(tmp, "pid=" + ProcessHandle.current().pid() + "\n" + line + "\n");
            Files.move(tmp, in(dir), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.println("READY " + line);
        System.out.flush();
    }
}
