package dev.tartan.infra;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The classpath a child JVM needs to run {@link KafkaBrokerMain}, {@link PostgresMain} or the stack: this module's own
 * classes plus every runtime dependency (Kafka, Scala, zonky, log4j2...). The build writes the dependency part with
 * {@code dependency:build-classpath} to {@code local-infra/target/infra.classpath} and, identically, into the jar as
 * the resource {@value #RESOURCE}. JDK only.
 *
 * <p>Looked up in this order: system property {@code tartan.infra.classpath} (a path to such a file, or a literal
 * classpath), {@code ${tartan.repo.root}/local-infra/target/infra.classpath}, the resource in the local-infra jar.
 */
public final class InfraClasspath {

    public static final String PROPERTY = "tartan.infra.classpath";
    public static final String RESOURCE = "dev/tartan/infra/infra.classpath";

    private InfraClasspath() {
    }

    public static String resolve() {
        List<String> parts = new ArrayList<>();
        parts.add(ownLocation().toString());
        parts.add(dependencies());
        return String.join(File.pathSeparator, parts);
    }

    static String dependencies() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            Path p = Path.of(prop);
            if (Files.isRegularFile(p)) {
                return read(p);
            }
            return prop.trim();
        }
        String root = System.getProperty("tartan.repo.root");
        if (root != null && !root.isBlank()) {
            Path p = Path.of(root, "local-infra", "target", "infra.classpath");
            if (Files.isRegularFile(p)) {
                return read(p);
            }
        }
        try (InputStream in = InfraClasspath.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in != null) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("The local-infra runtime classpath is unknown: build it first with"
                + " `./mvnw -B -pl local-infra -am install -DskipTests` (it writes local-infra/target/infra.classpath),"
                + " or set -D" + PROPERTY + "=<file or classpath>.");
    }

    /** Where this class was loaded from: {@code local-infra/target/classes} or the local-infra jar. */
    static Path ownLocation() {
        try {
            return Path.of(InfraClasspath.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code java} executable of the running JVM, so children run on the same JDK. */
    public static String javaBinary() {
        String home = System.getProperty("java.home");
        Path fromHome = Path.of(home, "bin", "java");
        if (Files.isExecutable(fromHome)) {
            return fromHome.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }
}
