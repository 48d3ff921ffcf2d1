package dev.tartan.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * A child process (a Kafka broker, PostgreSQL, or any JVM the stack runs) with its log in a file, a readiness check
 * and a clean stop. This is the launcher side: it references no Kafka or zonky class, so it may be loaded from a
 * local-infra jar whose dependencies were all excluded (test-support does exactly that).
 *
 * <pre>{@code
 * InfraProcess kafka = InfraProcess.startKafka(stateDir.resolve("kafka"), 19092, 19093).waitReady(Duration.ofSeconds(60));
 * InfraProcess pg = InfraProcess.startPostgres(stateDir.resolve("postgres"), 15432, List.of("tartan_item"))
 *         .waitReady(Duration.ofSeconds(60));
 * ...
 * kafka.stop();
 * }</pre>
 */
public final class InfraProcess implements AutoCloseable {

    /** JVM options of a broker child, unless {@code -Dtartan.infra.kafka.jvm-args} says otherwise. */
    public static final List<String> DEFAULT_KAFKA_JVM_ARGS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC");
    /** The PostgreSQL launcher JVM only waits: keep it small. */
    public static final List<String> DEFAULT_POSTGRES_JVM_ARGS =
            List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** Starts the line written to the log before each start. */
    static final String BANNER = "==== ";

    private final String name;
    private final Process process;
    private final int port;
    private final Path stateDir;
    private final Path logFile;
    private final BooleanSupplier readiness;
    private final Runnable afterStop;
    private volatile boolean stopped;

    private InfraProcess(String name, Process process, int port, Path stateDir, Path logFile,
            BooleanSupplier readiness, Runnable afterStop) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.stateDir = stateDir;
        this.logFile = logFile;
        this.readiness = readiness;
        this.afterStop = afterStop;
    }

    // ---------------------------------------------------------------- infrastructure

    /** Starts {@link KafkaBrokerMain} in {@code stateDir} (created if needed); does not wait. */
    public static InfraProcess startKafka(Path stateDir, int port, int controllerPort) {
        return startKafka(stateDir, port, controllerPort, stateDir.resolve("kafka.log"), true);
    }

    /**
     * Starts {@link KafkaBrokerMain}; {@code exitWithParent} makes the broker stop when this JVM dies (tests),
     * the stack passes it too because its own JVM is the broker's parent.
     */
    public static InfraProcess startKafka(Path stateDir, int port, int controllerPort, Path logFile,
            boolean exitWithParent) {
        return kafka(stateDir, port, controllerPort, logFile, exitWithParent).start();
    }

    /** The broker's launch description, to adjust before {@link Builder#start()}. */
    public static Builder kafka(Path stateDir, int port, int controllerPort, Path logFile, boolean exitWithParent) {
        Path dir = stateDir.toAbsolutePath();
        List<String> args = new ArrayList<>(List.of("--dir", dir.toString(), "--port", Integer.toString(port),
                "--controller-port", Integer.toString(controllerPort)));
        if (!exitWithParent) {
            args.add("--no-parent-watch");
        }
        ReadyFile.clear(mkdirs(dir));
        return builder("kafka")
                .mainClass("dev.tartan.infra.KafkaBrokerMain", args)
                .jvmArgs(jvmArgs("tartan.infra.kafka.jvm-args", DEFAULT_KAFKA_JVM_ARGS))
                .port(port)
                .stateDir(dir)
                .logFile(logFile)
                .readiness(() -> Files.exists(ReadyFile.in(dir)));
    }

    /** Starts {@link PostgresMain} in {@code stateDir} creating {@code databases}; does not wait. */
    public static InfraProcess startPostgres(Path stateDir, int port, List<String> databases) {
        return startPostgres(stateDir, port, databases, stateDir.resolve("postgres.log"), true);
    }

    public static InfraProcess startPostgres(Path stateDir, int port, List<String> databases, Path logFile,
            boolean exitWithParent) {
        return postgres(stateDir, port, databases, logFile, exitWithParent).start();
    }

    /** The database's launch description, to adjust before {@link Builder#start()}. */
    public static Builder postgres(Path stateDir, int port, List<String> databases, Path logFile,
            boolean exitWithParent) {
        Path dir = stateDir.toAbsolutePath();
        List<String> args = new ArrayList<>(List.of("--dir", dir.toString(), "--port", Integer.toString(port)));
        for (String db : databases) {
            args.add("--db");
            args.add(db);
        }
        if (!exitWithParent) {
            args.add("--no-parent-watch");
        }
        ReadyFile.clear(mkdirs(dir));
        Path data = dir.resolve("data");
        return builder("postgres")
                .mainClass("dev.tartan.infra.PostgresMain", args)
                .jvmArgs(jvmArgs("tartan.infra.postgres.jvm-args", DEFAULT_POSTGRES_JVM_ARGS))
                .port(port)
                .stateDir(dir)
                .logFile(logFile)
                .readiness(() -> Files.exists(ReadyFile.in(dir)))
                // pg_ctl detaches the server: if the launcher JVM had to be killed, stop the server directly
                .afterStop(() -> Postmaster.of(data).ifPresent(h -> Postmaster.stop(h, Duration.ofSeconds(20))));
    }

    private static List<String> jvmArgs(String property, List<String> defaults) {
        String v = System.getProperty(property);
        return v == null || v.isBlank() ? defaults : Arrays.asList(v.trim().split("\\s+"));
    }

    // ---------------------------------------------------------------- generic

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Describes a child process; {@link #start()} launches it with stdout and stderr appended to the log file. */
    public static final class Builder {
        private final String name;
        private List<String> command;
        private final List<String> jvmArgs = new ArrayList<>();
        private String mainClass;
        private List<String> mainArgs = List.of();
        private Path jar;
        private String classpath;
        private int port = -1;
        private Path stateDir;
        private Path logFile;
        private Path workingDir;
        private BooleanSupplier readiness = () -> true;
        private Runnable afterStop = () -> { };
        private final Map<String, String> env = new java.util.LinkedHashMap<>();
        private boolean newSession;

        private Builder(String name) {
            this.name = name;
        }

        /** Runs {@code mainClass} on the local-infra classpath ({@link InfraClasspath#resolve()}) unless set. */
        public Builder mainClass(String mainClass, List<String> args) {
            this.mainClass = mainClass;
            this.mainArgs = List.copyOf(args);
            return this;
        }

        /** Runs {@code java [jvmArgs] -jar jar}. */
        public Builder jar(Path jar) {
            this.jar = jar;
            return this;
        }

        /** An arbitrary command instead of a JVM. */
        public Builder command(List<String> command) {
            this.command = List.copyOf(command);
            return this;
        }

        public Builder classpath(String classpath) {
            this.classpath = classpath;
            return this;
        }

        public Builder jvmArgs(List<String> args) {
            this.jvmArgs.addAll(args);
            return this;
        }

        public Builder systemProperty(String key, String value) {
            this.jvmArgs.add("-D" + key + "=" + value);
            return this;
        }

        public Builder env(String key, String value) {
            this.env.put(key, value);
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        public Builder logFile(Path logFile) {
            this.logFile = logFile;
            return this;
        }

        public Builder workingDir(Path dir) {
            this.workingDir = dir;
            return this;
        }

        /**
         * Runs the child in its own session (through {@code setsid}, where it exists), so a Ctrl-C in the terminal
         * reaches only the launcher, which then stops its children in order.
         */
        public Builder newSession(boolean newSession) {
            this.newSession = newSession;
            return this;
        }

        public Builder readiness(BooleanSupplier check) {
            this.readiness = Objects.requireNonNull(check);
            return this;
        }

        public Builder afterStop(Runnable action) {
            this.afterStop = Objects.requireNonNull(action);
            return this;
        }

        public InfraProcess start() {
            List<String> cmd = new ArrayList<>();
            if (newSession && Files.isExecutable(Path.of("/usr/bin/setsid"))) {
                // the child is not a process-group leader, so setsid(1) calls setsid() and execs: same pid
                cmd.add("/usr/bin/setsid");
            }
            if (command != null) {
                cmd.addAll(command);
            } else {
                cmd.add(InfraClasspath.javaBinary());
                cmd.add("-Dtartan.process=" + name);
                cmd.addAll(jvmArgs);
                if (jar != null) {
                    cmd.add("-jar");
                    cmd.add(jar.toString());
                } else {
                    cmd.add("-cp");
                    cmd.add(classpath != null ? classpath : InfraClasspath.resolve());
                    cmd.add(Objects.requireNonNull(mainClass, "mainClass or jar"));
                    cmd.addAll(mainArgs);
                }
            }
            Path log = logFile != null ? logFile.toAbsolutePath()
                    : (stateDir != null ? stateDir.resolve(name + ".log") : Path.of(name + ".log").toAbsolutePath());
            try {
                Files.createDirectories(log.getParent());
                Files.writeString(log, BANNER + Instant.now() + " starting " + name + ": " + redact(cmd) + "\n",
                        StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
                ProcessBuilder pb = new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                        .redirectInput(ProcessBuilder.Redirect.PIPE);
                if (workingDir != null) {
                    pb.directory(workingDir.toFile());
                }
                pb.environment().putAll(env);
                Process p = pb.start();
                return new InfraProcess(name, p, port, stateDir, log, readiness, afterStop);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + ": " + cmd, e);
            }
        }
    }

    /** Hides values of system properties that look like secrets in the command line written to the log. */
    static String redact(List<String> cmd) {
        StringBuilder sb = new StringBuilder();
        for (String c : cmd) {
            String shown = c;
            if (c.startsWith("-D") && c.contains("=")) {
                String key = c.substring(2, c.indexOf('=')).toLowerCase(java.util.Locale.ROOT);
                if (key.contains("secret") || key.contains("password") || key.contains(".keys.")) {
                    shown = c.substring(0, c.indexOf('=') + 1) + "***";
                }
            }
            if (shown.length() > 300) {
                shown = shown.substring(0, 120) + "...(" + shown.length() + " chars)";
            }
            sb.append(shown).append(' ');
        }
        return sb.toString().trim();
    }

    // ---------------------------------------------------------------- handle

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    /** The port it serves (-1 if none was given). */
    public int port() {
        return port;
    }

    public Path stateDir() {
        return stateDir;
    }

    public Path logFile() {
        return logFile;
    }

    public Process process() {
        return process;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public boolean isReady() {
        return process.isAlive() && readiness.getAsBoolean();
    }

    /**
     * Blocks until the readiness check passes. Throws {@link IllegalStateException} (with the tail of the log) if the
     * process exits first or the timeout passes; on timeout the process is stopped.
     */
    public InfraProcess waitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue()
                        + " before it was ready; log " + logFile + ":\n" + logTail(40));
            }
            boolean ready;
            try {
                ready = readiness.getAsBoolean();
            } catch (RuntimeException e) {
                ready = false;
            }
            if (ready) {
                return this;
            }
            if (System.nanoTime() > deadline) {
                String tail = logTail(40);
                stop();
                throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; log "
                        + logFile + ":\n" + tail);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + name, e);
            }
        }
    }

    /** SIGTERM, up to 30 s for a clean shutdown, then SIGKILL. */
    public void stop() {
        stop(Duration.ofSeconds(30));
    }

    public synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        List<ProcessHandle> descendants = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            afterStop.run();
        } catch (RuntimeException e) {
            System.err.println(name + ": cleanup after stop failed: " + e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The last {@code n} lines this run wrote to the log file (the log is appended to across runs). */
    public String logTail(int n) {
        return tail(logFile, n);
    }

    public static String tail(Path file, int n) {
        if (file == null || !Files.exists(file)) {
            return "(no log)";
        }
        Deque<String> last = new ArrayDeque<>();
        try (Stream<String> lines = Files.lines(file, StandardCharsets.ISO_8859_1)) {
            lines.forEach(l -> {
                if (l.startsWith(BANNER)) {
                    last.clear(); // only the latest run
                }
                last.addLast(l);
                if (last.size() > n) {
                    last.removeFirst();
                }
            });
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
        return String.join("\n", last);
    }

    private static Path mkdirs(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + (port > 0 ? ", port " + port : "") + "]";
    }
}
