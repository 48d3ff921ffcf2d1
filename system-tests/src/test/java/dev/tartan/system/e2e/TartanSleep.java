package dev.tartan.system.e2e;

import java.time.Duration;

final class TartanSleep {
    private TartanSleep() {
    }

    static void quiet(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
