package dev.tartan.infra.stack;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * The state folder, {@code <repo>/.tartan/} (git-ignored): {@code data/} (broker and database, kept across runs),
 * {@code logs/}, {@code secrets/} (generated once) and {@code run/} (what runs now: pids, ports, summary).
 */
record StackFiles(Path root, Path state) {

    static StackFiles of(Path root) {
        return new StackFiles(root, root.resolve(".tartan"));
    }

    Path data(String component) {
        return state.resolve("data").resolve(component);
    }

    Path log(String component) {
        return state.resolve("logs").resolve(component + ".log");
    }

    Path secrets() {
        return state.resolve("secrets");
    }

    Path run() {
        return state.resolve("run");
    }

    /** name.pid, name.port, name.kind (infra|emulator|service) of everything started, plus stack.pid. */
    Path runProperties() {
        return run().resolve("stack.properties");
    }

    /** Written when every component is ready; removed on stop. */
    Path readyMarker() {
        return run().resolve("ready");
    }

    /** Written when {@code up} gave up; holds the reason. */
    Path failedMarker() {
        return run().resolve("failed");
    }

    Path summary() {
        return run().resolve("summary.txt");
    }

    Properties readRun() {
        Properties p = new Properties();
        if (Files.exists(runProperties())) {
            try (Reader r = Files.newBufferedReader(runProperties())) {
                p.load(r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return p;
    }

    void writeRun(Properties p) {
        try {
            Files.createDirectories(run());
            Path tmp = run().resolve("stack.properties.tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "the running local stack (./tartan status reads this)");
            }
            Files.move(tmp, runProperties(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
