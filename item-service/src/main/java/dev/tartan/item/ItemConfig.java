package dev.tartan.item;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Every setting of item-service (prefix {@code tartan.item}); {@code docs/configuration.md} is generated from it. */
@ConfigMapping(prefix = "tartan.item")
public interface ItemConfig {

    /** Webhook handling and the state machine. */
    Webhooks webhooks();

    /** Re-link requests and reminders. */
    Relink relink();

    /** The churn policy (handbook: "Removing churned Items"). */
    Churn churn();

    /** Removal at Plaid. */
    Removal removal();

    /** Periodic {@code /item/get} reconciliation. */
    Reconcile reconcile();

    /** The registry gauges for operators (Items by status, removal queue). */
    Gauges gauges();

    interface Gauges {
        /** How often the gauges are counted again from the database. */
        @WithDefault("30s")
        Duration refreshInterval();
    }

    interface Webhooks {
        /**
         * After an Item recovers, a webhook that would break it again within this window is checked with
         * {@code /item/get} before it is applied: Plaid retries a delivery for 24 h, so it may be an old one.
         */
        @WithDefault("24h")
        Duration contradictionWindow();

        /** How long a webhook for an Item not (yet) registered is kept in case {@code item.linked} arrives later. */
        @WithDefault("1h")
        Duration unknownItemRetention();

        /** How often expired webhooks for unknown Items are reported (logged, counted) and dropped. */
        @WithDefault("1m")
        Duration unknownItemSweepInterval();
    }

    interface Relink {
        /**
         * Delay before the first reminder after {@code relink.requested}, then between reminders; the last
         * interval repeats while the re-link stays unresolved (handbook: persist, well-timed).
         */
        @WithDefault("P1D,P2D,P4D,P7D")
        List<Duration> reminderIntervals();

        /** How often due reminders are looked for. */
        @WithDefault("1m")
        Duration reminderSweepInterval();

        /** Most reminders sent per sweep transaction. */
        @WithDefault("500")
        int reminderBatchSize();

        /**
         * Item error codes, besides {@code ITEM_LOGIN_REQUIRED} and {@code USER_PERMISSION_REVOKED}, that the user
         * fixes in update mode, so they open a re-link (others, e.g. {@code INSTITUTION_DOWN}, wait for reconciliation).
         */
        @WithDefault("INVALID_CREDENTIALS,INVALID_MFA,ITEM_LOCKED,INSUFFICIENT_CREDENTIALS,INVALID_UPDATED_USERNAME,USER_SETUP_REQUIRED,PASSWORD_RESET_REQUIRED,MFA_NOT_SUPPORTED")
        Set<String> loginFixableErrorCodes();
    }

    interface Churn {
        /** Whether the periodic churn sweep runs. */
        @WithDefault("true")
        boolean enabled();

        /** An Item whose user has not been active for this long is removed (handbook: 60 days). */
        @WithDefault("60d")
        Duration inactivity();

        /** An Item whose re-link got this many reminders without an answer is removed (handbook: 10). */
        @WithDefault("10")
        int unansweredReminders();

        /** An Item in error for this long is removed (handbook: 30 days). */
        @WithDefault("30d")
        Duration unresolvedError();

        /** How often the churn sweep runs. */
        @WithDefault("1h")
        Duration sweepInterval();

        /** Most Items selected per sweep transaction (the sweep loops until none is left). */
        @WithDefault("5000")
        int batchSize();
    }

    interface Removal {
        /** Products Plaid bills every month an Item exists: Items with one of them are removed near month end. */
        @WithDefault("transactions,investments,liabilities,transactions_refresh,investments_auth,signal,balance_plus")
        Set<String> recurringBilledProducts();

        /** Non-urgent removals of recurring-billed Items run during the last this-many days of the month (UTC). */
        @WithDefault("2")
        int monthEndWindowDays();

        /** How often due removals are looked for. */
        @WithDefault("10s")
        Duration sweepInterval();

        /** Most removals claimed per sweep; they are sent at the gateway's rate limit. */
        @WithDefault("200")
        int batchSize();

        /** First retry delay after a failed {@code /item/remove}; it doubles up to {@link #maxRetryDelay()}. */
        @WithDefault("30s")
        Duration retryDelay();

        /** Longest delay between retries of a failed removal (removals are retried forever, never dropped). */
        @WithDefault("1h")
        Duration maxRetryDelay();

        /** A removal claimed by an instance that then died is claimed again after this long. */
        @WithDefault("2m")
        Duration claimTimeout();
    }

    interface Reconcile {
        /** Whether the periodic reconciliation job runs. */
        @WithDefault("true")
        boolean enabled();

        /** An Item not reconciled (nor heard from by webhook) for this long is checked with {@code /item/get}. */
        @WithDefault("7d")
        Duration staleAfter();

        /** A broken Item is checked this often, because Plaid stops retrying a webhook after 24 h. */
        @WithDefault("12h")
        Duration brokenItemInterval();

        /** How often the reconciliation job runs. */
        @WithDefault("5m")
        Duration sweepInterval();

        /** Most Items checked per run (each is one {@code /item/get} at the gateway's rate limit). */
        @WithDefault("500")
        int batchSize();
    }
}
