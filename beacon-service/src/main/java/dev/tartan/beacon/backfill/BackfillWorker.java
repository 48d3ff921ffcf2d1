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
        // a duplicated context: Hibernate Reactive needs one per chain of work
        io.vertx.core.Context ctx = io.smallrye.common.vertx.VertxContext.getOrCreateDuplicatedContext(vertx);
        ctx.runOnContext(v -> backfill.resolveAfterRestart()
                .onFailure().invoke(e -> LOG.warnf("backfill: resolving interrupted rows failed: %s", e.toString()))
                .onFailure().recoverWithNull()
                .subscribe().with(x -> schedule(0)));
    }

    void onStop(@Observes ShutdownEvent event) {
        running.set(false);
    }

    private void schedule(long delayMillis) {
        if (!running.get()) {
            return;
        }
        Runnable round = () -> {
            io.vertx.core.Context ctx = io.smallrye.common.vertx.VertxContext.getOrCreateDuplicatedContext(vertx);
            ctx.runOnContext(v -> Uni.createFrom().deferred(backfill::workOnce)
                    .onFailure().invoke(e -> LOG.warnf("backfill round failed, retrying: %s", e.toString()))
                    .onFailure().recoverWithItem(-1)
                    .subscribe().with(n -> schedule(n > 0 ? 0 : config.backfill().pollInterval().toMillis())));
        };
        if (delayMillis <= 0) {
            round.run();
        } else {
            vertx.setTimer(delayMillis, id -> round.run());
        }
    }
}
