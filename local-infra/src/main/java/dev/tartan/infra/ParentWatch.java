package dev.tartan.infra;

/**
 * Makes a child main exit (running its shutdown hooks, which stop the broker or the database) when the process that
 * launched it dies, even by {@code kill -9}: no orphaned broker or database survives a crashed test JVM or stack.
 * JDK only.
 */
public final class ParentWatch {

    private ParentWatch() {
    }

    public static void exitWithParent(String what) {
        ProcessHandle.current().parent().ifPresent(parent -> {
            if (parent.pid() <= 1) {
                return;
            }
            parent.onExit().thenRun(() -> {
                System.err.println(what + ": parent process " + parent.pid() + " is gone, shutting down");
                System.exit(0);
            });
        });
    }
}
