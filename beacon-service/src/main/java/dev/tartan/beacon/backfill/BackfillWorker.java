package dev.tartan.beacon.backfill;

import dev.tartan.beacon.BeaconConfig;
import dev.tartan.beacon.BeaconSwitch;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the backfill: one round after another while there is work, polling when idle. At start-up, rows a crash
 * left mid-call are resolved first (see {@link BackfillService}), then the import resumes where it stopped.
 */
@ApplicationScoped
public class BackfillWorker {

    private static final Logger LOG = Logger.getLogger(BackfillWorker.class);

    private final BackfillService backfill;
    private final BeaconConfig config;
    private final BeaconSwitch beacon;
    private final Vertx vertx;
    private final AtomicBoolean running = new AtomicBoolean();

    public BackfillWorker(BackfillService backfill, BeaconConfig config, BeaconSwitch beacon, Vertx vertx) {
        this.backfill = backfill;
        this.config = config;
        this.beacon = beacon;
        this.vertx = vertx;
    }

    void onStart(@Observes StartupEvent event) {
        if (!beacon.enabled() || !config.backfill().workerEnabled()) {
            return;
        }
        running.set(true);
        safeContext().runOnContext(v -> backfill.resolveAfterRestart()
                .onFailure().invoke(e -> LOG.warnf("backfill: resolving interrupted rows failed: %s", e.toString()))
                .onFailure().recoverWithNull()
                .subscribe().with(x -> schedule(0)));
    }

    private long worked;
    private long lastLogged;

    /** Progress in the log (ids and counts only); the full picture is {@code GET /beacon/backfill/{job}}. */
    private void progress(int n) {
        if (n > 0) {
            worked += n;
            if (worked - lastLogged >= 250) {
                lastLogged = worked;
                LOG.infof("backfill: %d rows worked since start-up", worked);
            }
        } else if (worked > lastLogged) {
            lastLogged = worked;
            LOG.infof("backfill: idle after %d rows worked since start-up", worked);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        running.set(false);
    }

    /** A fresh duplicated context marked safe: Hibernate Reactive needs one per independent chain of work. */
    private io.vertx.core.Context safeContext() {
        io.vertx.core.Context ctx = io.smallrye.common.vertx.VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle.setContextSafe(ctx, true);
        return ctx;
    }

    private void schedule(long delayMillis) {
        if (!running.get()) {
            return;
        }
        Runnable round = () -> {
            safeContext().runOnContext(v -> Uni.createFrom().deferred(backfill::workOnce)
                    .onFailure().invoke(e -> LOG.warnf("backfill round failed, retrying: %s", e.toString()))
                    .onFailure().recoverWithItem(-1)
                    .subscribe().with(n -> {
                        progress(n);
                        schedule(n > 0 ? 0 : config.backfill().pollInterval().toMillis());
                    }));
        };
        if (delayMillis <= 0) {
            round.run();
        } else {
            vertx.setTimer(delayMillis, id -> round.run());
        }
    }
}
