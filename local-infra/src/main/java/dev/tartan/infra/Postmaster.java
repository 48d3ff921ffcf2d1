package dev.tartan.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The postmaster that serves a PostgreSQL data directory, read from its {@code postmaster.pid}. pg_ctl detaches the
 * server from the JVM that started it, so killing {@link PostgresMain} hard leaves it running; launchers use this to
 * find and stop it. JDK only.
 */
public final class Postmaster {

    private Postmaster() {
    }

    /** The live postmaster of {@code dataDir}, if any. */
    public static Optional<ProcessHandle> of(Path dataDir) {
        Path pidFile = dataDir.resolve("postmaster.pid");
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(h -> h.info().command().map(cmd -> cmd.endsWith("postgres")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Fast shutdown (SIGINT: roll back open transactions, disconnect clients), then SIGKILL after the timeout. */
    public static void stop(ProcessHandle postmaster, java.time.Duration timeout) {
        try {
            new ProcessBuilder("kill", "-INT", Long.toString(postmaster.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
            postmaster.onExit().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            postmaster.destroyForcibly();
        }
    }
}
