package dev.tartan.beacon;

import dev.tartan.contracts.churn.RemovalReason;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Every setting of beacon-service (prefix {@code tartan.beacon}); {@code docs/configuration.md} is generated from it. */
@ConfigMapping(prefix = "tartan.beacon")
public interface BeaconConfig {

    /**
     * The Beacon program id ({@code becprg_...}, the last part of the program's Dashboard URL). Beacon is a beta
     * product Plaid opens to selected customers: without a program id the service does no Beacon work (its APIs
     * answer 503 {@code BEACON_DISABLED}, webhooks and Item events are acknowledged and skipped) and says so at
     * start-up; health stays UP. Env {@code TARTAN_BEACON_PROGRAM_ID}.
     */
    Optional<String> programId();

    /** Encryption at rest of the user data (PII) sent to Beacon. Required once a program id is set. */
    PiiEncryption piiEncryption();

    /** What happens to a user's Items when Beacon rejects the user. */
    Removal removal();

    /** Operator gauges counted from the database (open fraud reviews). */
    Gauges gauges();

    interface Gauges {
        /** How often the gauges are counted again. */
        @WithDefault("30s")
        java.time.Duration refreshInterval();
    }

    /** Rules on Beacon Account Insights risk signals that send a newly linked Item to the fraud team. */
    Insights insights();

    /** The importer of existing users. */
    Backfill backfill();

    interface PiiEncryption {
        /**
         * Id of the key that encrypts new user data (AES-256-GCM, the same scheme as access tokens, with the
         * client user id as associated data). Env {@code TARTAN_BEACON_PII_ENCRYPTION_ACTIVE_KEY_ID}.
         */
        Optional<String> activeKeyId();

        /** Keys by id, each base64 of 32 random bytes: {@code tartan.beacon.pii-encryption.keys.<id>=<base64>}. */
        @WithName("keys")
        Map<String, String> keys();
    }

    interface Removal {
        /**
         * Whether a rejected user's Items are removed: a {@code user-items-removal-requested} command (urgent,
         * with a fraud reason) goes to item-service. Off means the fraud event is published and nothing else.
         */
        @WithDefault("true")
        boolean onRejected();

        /**
         * The removal reason when the user has no report of our own to derive it from (a first_party report
         * gives {@code FRAUD_FIRST_PARTY}, stolen/synthetic identity {@code FRAUD_FALSE_IDENTITY}).
         */
        @WithDefault("FRAUD_OTHER")
        RemovalReason defaultReason();
    }

    interface Insights {
        /** Whether Items linked with {@code beacon} are associated with the Beacon user and their insights fetched. */
        @WithDefault("true")
        boolean enabled();

        /** Address, email and phone changes in the last 28 days (summed) at or above which the Item is reviewed. */
        @WithDefault("2")
        int maxPiiChanges28d();

        /** Failed non-OAuth logins in the last 7 days at or above which the Item is reviewed. */
        @WithDefault("3")
        int maxFailedLogins7d();

        /** An account opened fewer days ago than this is reviewed. */
        @WithDefault("30")
        int minAccountAgeDays();

        /** Review an Item whose account is closed, frozen or restricted. */
        @WithDefault("true")
        boolean flagClosedOrFrozen();
    }

    interface Backfill {
        /** Most {@code /beacon/user/create} calls per minute the importer makes (Plaid publishes no Beacon limit). */
        @WithDefault("600")
        int ratePerMinute();

        /**
         * Rows claimed from the staged file per worker round. Claimed rows are marked in flight before their
         * {@code /beacon/user/create}, and Plaid offers no lookup by client_user_id to settle them after a crash: a
         * crash leaves up to this many rows {@code uncertain}. One keeps that to the single call in flight; the import
         * is paced by {@link #ratePerMinute()} anyway, so the extra claim transaction per row costs nothing that matters.
         */
        @WithDefault("1")
        int batchSize();

        /** How often the importer looks for unfinished imports (also how it resumes after a restart). */
        @WithDefault("2s")
        Duration pollInterval();

        /** Whether this instance runs the importer worker. */
        @WithDefault("true")
        boolean workerEnabled();
    }
}
