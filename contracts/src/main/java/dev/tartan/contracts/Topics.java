package dev.tartan.contracts;

import java.util.List;
import java.util.Locale;

/**
 * Every Kafka topic Tartan reads or writes, in one place. The AsyncAPI catalogue in
 * {@code docs/asyncapi.yaml} documents the same list; a test keeps the two in step.
 */
public final class Topics {

    /** Verified Plaid webhooks, one topic per {@code webhook_type}; keyed by item id, Beacon id or link session id. */
    public static final String PLAID_WEBHOOKS_ITEM = "plaid.webhooks.item";
    public static final String PLAID_WEBHOOKS_IDENTITY = "plaid.webhooks.identity";
    public static final String PLAID_WEBHOOKS_BEACON = "plaid.webhooks.beacon";
    public static final String PLAID_WEBHOOKS_LINK = "plaid.webhooks.link";
    public static final String PLAID_WEBHOOKS_AUTH = "plaid.webhooks.auth";
    public static final String PLAID_WEBHOOKS_TRANSACTIONS = "plaid.webhooks.transactions";
    /** Any webhook type Tartan does not route yet: kept, never dropped, so a new Plaid type can be replayed later. */
    public static final String PLAID_WEBHOOKS_OTHER = "plaid.webhooks.other";

    /** Item lifecycle events (item.linked, status-changed, accounts-changed, removed); keyed by item id. */
    public static final String ITEMS_EVENTS = "tartan.items.events";
    /** Link session outcomes (update mode completed, session finished); keyed by item id or link session id. */
    public static final String LINK_SESSIONS = "tartan.link.sessions";
    /** User activity reported by the app backend; keyed by client user id. */
    public static final String USERS_ACTIVITY = "tartan.users.activity";
    /** Commands: ask a user to re-link (requested, reminder, resolved, consent); keyed by item id. */
    public static final String COMMANDS_RELINK = "tartan.commands.relink";
    /** Commands: remove an Item at Plaid (churn policy or explicit request); keyed by item id. */
    public static final String COMMANDS_CHURN_REMOVAL = "tartan.commands.churn-removal";
    /** Commands: send a user or Item to the fraud team; keyed by client user id. */
    public static final String COMMANDS_FRAUD_REVIEW = "tartan.commands.fraud-review";
    /** Fraud outcomes (Beacon cleared/rejected, verification failures); keyed by client user id. */
    public static final String FRAUD_EVENTS = "tartan.fraud.events";
    /** Account ownership verification decisions; keyed by item id. */
    public static final String IDENTITY_VERIFICATIONS = "tartan.identity.verifications";

    /** Suffix of each consumed topic's dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".dlq";

    private Topics() {
    }

    /** A topic and the partition count it is created with. */
    public record TopicSpec(String name, int partitions) {
        public String deadLetterTopic() {
            return name + DEAD_LETTER_SUFFIX;
        }
    }

    /** Hot topics carry per-Item traffic and get more partitions so consumers can scale out. */
    private static final int HOT = 12;
    private static final int WARM = 6;
    private static final int COLD = 3;

    public static List<TopicSpec> all() {
        return List.of(
                new TopicSpec(PLAID_WEBHOOKS_ITEM, HOT),
                new TopicSpec(PLAID_WEBHOOKS_IDENTITY, WARM),
                new TopicSpec(PLAID_WEBHOOKS_BEACON, WARM),
                new TopicSpec(PLAID_WEBHOOKS_LINK, WARM),
                new TopicSpec(PLAID_WEBHOOKS_AUTH, WARM),
                new TopicSpec(PLAID_WEBHOOKS_TRANSACTIONS, HOT),
                new TopicSpec(PLAID_WEBHOOKS_OTHER, COLD),
                new TopicSpec(ITEMS_EVENTS, HOT),
                new TopicSpec(LINK_SESSIONS, WARM),
                new TopicSpec(USERS_ACTIVITY, WARM),
                new TopicSpec(COMMANDS_RELINK, HOT),
                new TopicSpec(COMMANDS_CHURN_REMOVAL, WARM),
                new TopicSpec(COMMANDS_FRAUD_REVIEW, WARM),
                new TopicSpec(FRAUD_EVENTS, WARM),
                new TopicSpec(IDENTITY_VERIFICATIONS, WARM));
    }

    /** Names of the topics that are consumed by some service and therefore have a dead-letter topic. */
    public static List<String> consumed() {
        return List.of(PLAID_WEBHOOKS_ITEM, PLAID_WEBHOOKS_IDENTITY, PLAID_WEBHOOKS_BEACON, PLAID_WEBHOOKS_LINK,
                PLAID_WEBHOOKS_AUTH, ITEMS_EVENTS, LINK_SESSIONS, USERS_ACTIVITY, COMMANDS_RELINK,
                COMMANDS_CHURN_REMOVAL);
    }

    /**
     * The topic for a Plaid {@code webhook_type}. Plaid's types are open strings; anything not routed
     * goes to {@link #PLAID_WEBHOOKS_OTHER} so it is kept.
     */
    public static String forWebhookType(String webhookType) {
        if (webhookType == null) {
            return PLAID_WEBHOOKS_OTHER;
        }
        return switch (webhookType.toUpperCase(Locale.ROOT)) {
            case "ITEM" -> PLAID_WEBHOOKS_ITEM;
            case "IDENTITY" -> PLAID_WEBHOOKS_IDENTITY;
            case "BEACON" -> PLAID_WEBHOOKS_BEACON;
            case "LINK" -> PLAID_WEBHOOKS_LINK;
            case "AUTH" -> PLAID_WEBHOOKS_AUTH;
            case "TRANSACTIONS" -> PLAID_WEBHOOKS_TRANSACTIONS;
            default -> PLAID_WEBHOOKS_OTHER;
        };
    }
}
