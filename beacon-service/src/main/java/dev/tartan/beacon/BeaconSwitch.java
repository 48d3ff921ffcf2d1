package dev.tartan.beacon;

import dev.tartan.beacon.user.PiiCipher;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Whether Beacon work is on (a program id is configured), and the PII cipher when it is. Says which at start-up;
 * a program id without a valid PII key stops start-up (the key is checked here, not at the first user).
 */
@ApplicationScoped
public class BeaconSwitch {

    private static final Logger LOG = Logger.getLogger(BeaconSwitch.class);

    private final BeaconConfig config;
    private volatile PiiCipher cipher;

    public BeaconSwitch(BeaconConfig config) {
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.programId().filter(p -> !p.isBlank()).isEmpty()) {
            LOG.warn("Beacon is OFF: tartan.beacon.program-id (env TARTAN_BEACON_PROGRAM_ID) is not set. Beacon is a beta product "
                    + "Plaid opens to selected customers; until a program id is configured the Beacon APIs answer 503 BEACON_DISABLED "
                    + "and BEACON webhooks and item.linked events are acknowledged and skipped.");
            return;
        }
        cipher();
        LOG.infof("Beacon is ON for program %s (PII key %s)", config.programId().get(), cipher.activeKeyId());
    }

    public boolean enabled() {
        return config.programId().filter(p -> !p.isBlank()).isPresent();
    }

    public String programId() {
        return config.programId().filter(p -> !p.isBlank()).orElseThrow(BeaconDisabledException::new);
    }

    public void requireEnabled() {
        if (!enabled()) {
            throw new BeaconDisabledException();
        }
    }

    public PiiCipher cipher() {
        PiiCipher c = cipher;
        if (c == null) {
            synchronized (this) {
                if (cipher == null) {
                    cipher = PiiCipher.fromConfig(config.piiEncryption().activeKeyId(), config.piiEncryption().keys());
                }
                c = cipher;
            }
        }
        return c;
    }

    public Optional<PiiCipher> cipherIfEnabled() {
        return enabled() ? Optional.of(cipher()) : Optional.empty();
    }
}
