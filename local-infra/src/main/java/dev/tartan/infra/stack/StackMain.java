package dev.tartan.infra.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.tartan.infra.Args;
import dev.tartan.infra.DevJwt;

import dev.tartan.infra.Ports;
import dev.tartan.infra.Postmaster;
import dev.tartan.infra.stack.StackLayout.App;

/**
 * The Java side of {@code ./tartan}: {@code up}, {@code status}, {@code stop}, {@code token}. The script picks the JDK,
 * builds, and handles {@code --detach}; this class does the rest.
 *
 * <pre>
 * java -cp &lt;local-infra classpath&gt; dev.tartan.infra.stack.StackMain up --root R [--allow-missing] [--infra-only]
 *      [--timeout S]
 * ... status --root R | stop --root R | token app|operator[,...] --root R [--subject S] [--ttl-hours H]
 * </pre>
 */
public final class StackMain {

    private StackMain() {
    }

    public static void main(String[] argv) throws Exception {
        System.setProperty("log4j2.configurationFile", "tartan-infra-log4j2.xml");
        Args args = Args.parse(argv, "allow-missing", "infra-only");
        List<String> pos = args.positional();
        String command = pos.isEmpty() ? "help" : pos.get(0);
        Path root = Path.of(args.get("root", System.getProperty("tartan.repo.root", "."))).toAbsolutePath().normalize();
        StackFiles files = StackFiles.of(root);
        int rc = switch (command) {
            case "up" -> new StackUp(files, args.flag("allow-missing"), args.flag("infra-only"),
                    Duration.ofSeconds(args.getInt("timeout", 300))).up();
            case "status" -> status(files);
            case "stop" -> stop(files);
            case "token" -> token(files, pos.size() > 1 ? pos.get(1) : null, args);
            default -> {
                System.err.println("usage: StackMain up|status|stop|token --root <repo>");
                yield 2;
            }
        };
        System.exit(rc);
    }

    // ------------------------------------------------------------------ status

    static int status(StackFiles files) {
        Properties run = files.readRun();
        String stackPid = run.getProperty("stack.pid");
        boolean stackAlive = stackPid != null && alive(Long.parseLong(stackPid));
        if (!stackAlive) {
            System.out.println("The local stack is not running" + (stackPid != null ? " (stale pid " + stackPid + ")"
                    : "") + ". Start it with ./tartan up");
            List<String> orphans = livingComponents(run);
            if (!orphans.isEmpty()) {
                System.out.println("But these components still run: " + orphans + " -- ./tartan stop ends them");
            }
            return 1;
        }
        boolean ready = Files.exists(files.readyMarker());
        System.out.printf("Local stack pid %s, %s. State: %s/%n%n", stackPid, ready ? "ready" : "STARTING (not ready yet)",
                files.state());
        System.out.printf("  %-17s %-8s %-6s %-12s %9s  %s%n", "component", "pid", "port", "health", "RSS", "log");
        boolean allGood = ready;
        for (String name : componentNames(run)) {
            long pid = Long.parseLong(run.getProperty(name + ".pid"));
            int port = Integer.parseInt(run.getProperty(name + ".port", "-1"));
            String kind = run.getProperty(name + ".kind", "");
            boolean alive = alive(pid);
            String health;
            if (!alive) {
                health = "DEAD";
            } else if ("infra".equals(kind)) {
                health = Ports.listening(port) ? "UP (port)" : "DOWN";
            } else {
                int s = StackUp.healthStatus(StackLayout.app(name));
                health = s == 200 ? "UP" : s < 0 ? "DOWN" : "DOWN (" + s + ")";
            }
            allGood &= health.startsWith("UP");
            long rss = alive ? rssKb(pid) : 0;
            String extra = "";
            if ("postgres".equals(name) && alive) {
                long server = Postmaster.of(files.data("postgres").resolve("data"))
                        .map(h -> pssKb(h.pid()) + h.descendants().mapToLong(d -> pssKb(d.pid())).sum()).orElse(0L);
                extra = String.format(" (+ PostgreSQL server processes: %s PSS)", mb(server));
            }
            System.out.printf("  %-17s %-8d %-6s %-12s %9s  %s%s%n", name, pid, port > 0 ? port : "-", health,
                    alive ? mb(rss) : "-", files.root().relativize(Path.of(run.getProperty(name + ".log", "-"))
                            .toAbsolutePath()), extra);
        }
        System.out.printf("  %-17s %-8s %-6s %-12s %9s%n", "(orchestrator)", stackPid, "-", "-",
                mb(rssKb(Long.parseLong(stackPid))));
        return allGood ? 0 : 1;
    }

    private static List<String> componentNames(Properties run) {
        List<String> names = new ArrayList<>();
        for (String infra : List.of("kafka", "postgres")) {
            if (run.getProperty(infra + ".pid") != null) {
                names.add(infra);
            }
        }
        for (App app : StackLayout.APPS) {
            if (run.getProperty(app.name() + ".pid") != null) {
                names.add(app.name());
            }
        }
        return names;
    }

    private static List<String> livingComponents(Properties run) {
        List<String> out = new ArrayList<>();
        for (String name : componentNames(run)) {
            long pid = Long.parseLong(run.getProperty(name + ".pid"));
            if (alive(pid)) {
                out.add(name + " (pid " + pid + ")");
            }
        }
        return out;
    }

    /** Resident set size in KiB from /proc (0 where there is no /proc). */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone or not Linux
        }
        return 0;
    }

    /** Proportional set size in KiB (shared memory split between the processes sharing it), else RSS. */
    static long pssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "smaps_rollup"))) {
                if (line.startsWith("Pss:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall back
        }
        return rssKb(pid);
    }

    private static String mb(long kb) {
        return String.format("%d MiB", kb / 1024);
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    // ------------------------------------------------------------------ stop

    /**
     * Asks the orchestrator to stop (SIGTERM: it stops services, emulator, Kafka, PostgreSQL in that order) and waits.
     * Components left behind by an orchestrator that was killed are stopped directly, in the same order.
     */
    static int stop(StackFiles files) throws Exception {
        Properties run = files.readRun();
        String stackPid = run.getProperty("stack.pid");
        Optional<ProcessHandle> stack = stackPid == null ? Optional.empty()
                : ProcessHandle.of(Long.parseLong(stackPid)).filter(ProcessHandle::isAlive);
        if (stack.isPresent()) {
            System.out.println("stopping the local stack (pid " + stackPid + ")...");
            stack.get().destroy();
            try {
                stack.get().onExit().get(150, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                System.out.println("the orchestrator did not stop within 150 s; killing what is left");
                stack.get().destroyForcibly();
            }
        }
        List<String> order = new ArrayList<>();
        for (int i = StackLayout.APPS.size() - 1; i >= 0; i--) {
            if (StackLayout.APPS.get(i).service()) {
                order.add(StackLayout.APPS.get(i).name());
            }
        }
        order.add(StackLayout.EMULATOR.name());
        order.add("kafka");
        order.add("postgres");
        boolean leftovers = false;
        for (String name : order) {
            String pid = run.getProperty(name + ".pid");
            if (pid == null) {
                continue;
            }
            Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive);
            if (h.isPresent()) {
                leftovers = true;
                System.out.println("  stopping left-over " + name + " (pid " + pid + ")");
                h.get().destroy();
                try {
                    h.get().onExit().get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    h.get().destroyForcibly();
                }
            }
        }
        Postmaster.of(files.data("postgres").resolve("data")).ifPresent(h -> {
            System.out.println("  stopping left-over postgres server (pid " + h.pid() + ")");
            Postmaster.stop(h, Duration.ofSeconds(20));
        });
        Files.deleteIfExists(files.readyMarker());
        Files.deleteIfExists(files.runProperties());
        if (stack.isEmpty() && !leftovers) {
            System.out.println("the local stack is not running");
        } else {
            System.out.println("stopped.");
        }
        return 0;
    }

    // ------------------------------------------------------------------ token

    /** Prints a dev JWT signed with .tartan/secrets/jwt-private.pem (created if missing) for the given role(s). */
    static int token(StackFiles files, String roles, Args args) {
        if (roles == null || roles.isBlank()) {
            System.err.println("usage: ./tartan token app|operator[,more roles] [--subject NAME] [--ttl-hours H]");
            return 2;
        }
        boolean fresh = !Files.exists(files.secrets().resolve(DevJwt.PRIVATE_KEY_FILE));
        KeyPair keys = DevJwt.loadOrCreate(files.secrets());
        if (fresh) {
            System.err.println("(generated new dev JWT keys in " + files.secrets()
                    + "; services started before now must be restarted to accept tokens)");
        }
        List<String> groups = Arrays.stream(roles.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        String subject = args.get("subject", "dev-" + groups.get(0));
        Duration ttl = Duration.ofHours(args.getInt("ttl-hours", 12));
        System.out.println(DevJwt.sign(keys.getPrivate(), DevJwt.ISSUER, subject, groups, ttl, Map.of()));
        return 0;
    }

}
