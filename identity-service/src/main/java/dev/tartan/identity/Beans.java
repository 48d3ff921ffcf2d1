package dev.tartan.identity;

import dev.tartan.identity.match.NicknameTable;
import dev.tartan.identity.match.ProfileMatcher;
import dev.tartan.identity.policy.VerificationPolicy;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** The pure domain objects as CDI beans, built once from {@link IdentityConfig}. */
public class Beans {

    private static final Logger LOG = Logger.getLogger(Beans.class);

    @Produces
    @Singleton
    @Startup
    VerificationPolicy policy(IdentityConfig config) {
        VerificationPolicy policy = new VerificationPolicy(config.policySettings());
        LOG.infof("ownership policy %s", policy.version());
        return policy;
    }

    @Produces
    @Singleton
    ProfileMatcher matcher(IdentityConfig config) {
        return new ProfileMatcher(NicknameTable.load(), config.matcher().defaultPhoneRegion());
    }
}
