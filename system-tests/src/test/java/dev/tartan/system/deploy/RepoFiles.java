package dev.tartan.system.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository root (surefire sets {@code tartan.repo.root}; else walk up from the working directory). */
public final class RepoFiles {
    private RepoFiles() {
    }

    public static Path root() {
        String prop = System.getProperty("tartan.repo.root");
        if (prop != null && Files.exists(Path.of(prop, "pom.xml")) && Files.isDirectory(Path.of(prop, "deploy"))) {
            return Path.of(prop);
        }
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("deploy"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root (no deploy/ folder above " + Path.of("").toAbsolutePath() + ")");
        }
        return p;
    }

    public static final String[] SERVICES = {"webhook-ingest", "link-service", "item-service", "identity-service", "beacon-service"};
}
