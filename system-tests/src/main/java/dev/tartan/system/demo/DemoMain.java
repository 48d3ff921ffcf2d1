package dev.tartan.system.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.infra.DevJwt;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Http;
import dev.tartan.system.harness.Journey;
import dev.tartan.system.harness.SystemPorts;
import dev.tartan.system.harness.TartanSystem;

/**
 * {@code ./tartan demo}: link a bank, break and repair it, churn it, narrated step by step with the HTTP calls, the
 * webhooks ingest received and the commands and events that came out of Kafka, with timings.
 *
 * <ul>
 * <li>default: against the running local stack ({@code ./tartan up}); churn is shown with the app's removal request,
 * because the stack's item-service has the handbook's 60-day inactivity rule</li>
 * <li>{@code --standalone}: starts its own system (the end-to-end harness, ports 28xxx) with the inactivity rule
 * shortened to 45 s, and shows the inactivity rule itself</li>
 * </ul>
 */
public final class DemoMain {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private final Narrator say;
    private final Journey journey;
    private final EventWatch watch;
    private final boolean standalone;
    private final int inactivitySeconds;
    private final Function<String, String> tokens;
    private final SystemPorts ports;

    DemoMain(SystemPorts ports, Function<String, String> token, boolean standalone, int inactivitySeconds) {
        this.say = new Narrator();
        this.tokens = token;
        this.ports = ports;
        this.standalone = standalone;
        this.inactivitySeconds = inactivitySeconds;
        this.watch = new EventWatch(ports.kafkaBootstrap(), List.of(Topics.PLAID_WEBHOOKS_ITEM, Topics.ITEMS_EVENTS,
                Topics.LINK_SESSIONS, Topics.COMMANDS_RELINK, Topics.COMMANDS_CHURN_REMOVAL));
        this.watch.onRecord(say::kafka);
        this.journey = new Journey(ports, token, say::http);
    }

    public static void main(String[] args) throws Exception {
        boolean standalone = List.of(args).contains("--standalone");
        Path root = TartanSystem.repoRootGuess();
        int rc;
        if (standalone) {
            int inactivity = 45;
            try (TartanSystem sys = TartanSystem.builder().repoRoot(root)
                    .appJvmArgs(List.of("-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))
                    .config(TartanSystem.ITEM, "tartan.item.churn.inactivity", inactivity + "s")
                    .config(TartanSystem.ITEM, "tartan.item.churn.sweep-interval", "2s")
                    .config(TartanSystem.ITEM, "tartan.item.removal.sweep-interval", "1s")
                    .build()) {
                System.out.println("Starting a whole Tartan system for the demo (Kafka, PostgreSQL, emulator, five"
                        + " services; a minute or two on 2 cores)...");
                sys.start();
                rc = new DemoMain(sys.ports(), sys::appToken, true, inactivity).run();
            }
        } else {
            SystemPorts ports = SystemPorts.STACK;
            Path secrets = root.resolve(".tartan/secrets");
            if (!Files.exists(secrets.resolve(DevJwt.PRIVATE_KEY_FILE))) {
                System.err.println("demo: no local stack found (" + secrets + "). Start it: ./tartan up --detach,"
                        + " or run ./tartan demo --standalone");
                System.exit(2);
            }
            KeyPair keys = DevJwt.loadOrCreate(secrets);
            Function<String, String> token = sub -> DevJwt.sign(keys.getPrivate(), DevJwt.ISSUER, sub, Set.of("app"),
                    Duration.ofHours(1), Map.of());
            Http quiet = new Http(c -> { });
            for (String app : TartanSystem.APPS) {
                int s;
                try {
                    s = quiet.get(ports.url(app) + "q/health/ready", null).status();
                } catch (RuntimeException e) {
                    s = -1;
                }
                if (s != 200 && !app.equals(TartanSystem.IDENTITY) && !app.equals(TartanSystem.BEACON)) {
                    System.err.println("demo: " + app + " is not ready at " + ports.url(app) + " (" + s
                            + "). Start the stack: ./tartan up --detach");
                    System.exit(2);
                }
            }
            rc = new DemoMain(ports, token, false, 0).run();
        }
        System.exit(rc);
    }

    int run() {
        try {
            say.title("Tartan, end to end",
                    "You are the app backend. Plaid is the emulator. Everything else is Tartan: webhook-ingest,"
                            + " link-service, item-service (and identity-/beacon-service listening), talking only"
                            + " through Kafka topics. Lines starting with 'kafka' are what any internal subscriber"
                            + " would see.");
            String user = "demo-" + UUID.randomUUID().toString().substring(0, 6);
            String itemId = link(user);
            breakAndRepair(user, itemId);
            churn(user, itemId);
            say.title("Done", "Every arrow above crossed a process boundary: HTTP between the app, Plaid and the"
                    + " services, Kafka between the services. Logs: .tartan/logs/ (stack) — docs/demo.md explains"
                    + " each step.");
            return 0;
        } catch (AssertionError | RuntimeException e) {
            System.out.println("\nDEMO STOPPED: " + e.getMessage());
            return 1;
        } finally {
            watch.close();
        }
    }

    private String link(String user) {
        say.title("1. Link a bank", "The user taps 'Connect bank'. The app asks link-service for a Link token;"
                + " Plaid Link runs in the user's browser (here: the emulator plays it); the app posts the public"
                + " token and Link's metadata back; link-service checks for a duplicate, exchanges the token and"
                + " publishes item.linked; item-service registers the Item.");
        say.step("app -> link-service: a Link token for a new Item");
        String token = journey.newItemLinkToken(user, List.of("auth"));
        say.step("Plaid Link (emulator): the user picks First Platypus Bank and logs in as user_good");
        JsonNode onSuccess = journey.playLink(token, Journey.DEFAULT_INSTITUTION, List.of("0000", "1111"));
        say.step("app -> link-service: onSuccess (public token + metadata)");
        String itemId = journey.exchange(user, token, onSuccess).expect(200).json().path("item_id").asText();
        watch.await(EventTypes.ITEM_LINKED, itemId, WAIT);
        say.step("app -> item-service: how is the Item?");
        JsonNode item = journey.awaitItemStatus(user, itemId, "HEALTHY", WAIT);
        say.note("item " + itemId + " is " + item.path("status").asText() + " with "
                + item.path("accounts").size() + " accounts");
        say.step("The user links the same bank again (same accounts)");
        String again = journey.newItemLinkToken(user, List.of("auth"));
        JsonNode dup = journey.exchange(user, again, journey.playLink(again, Journey.DEFAULT_INSTITUTION,
                List.of("0000", "1111"))).json();
        say.note("refused before exchange: " + dup.path("code").asText() + " (existing item "
                + dup.path("existing_item_id").asText() + ") — no second Item is billed");
        return itemId;
    }

    private void breakAndRepair(String user, String itemId) {
        say.title("2. The login breaks, the user repairs it", "The bank asks for a new login. Plaid sends a signed"
                + " ITEM ERROR webhook to webhook-ingest, which verifies the signature and puts it on Kafka;"
                + " item-service marks the Item LOGIN_REQUIRED and commands relink.requested; link-service turns"
                + " that into a prompt. The user opens Link in update mode, and relink.resolved follows.");
        say.step("app -> Plaid (emulator): /sandbox/item/reset_login, the sandbox's way to break a login");
        String delivery = journey.resetLogin(itemId).path("id").asText();
        say.step("Plaid (emulator) -> webhook-ingest: ITEM ERROR ITEM_LOGIN_REQUIRED, signed ES256");
        JsonNode d = journey.awaitDelivered(delivery, WAIT);
        JsonNode last = d.path("attempts").get(d.path("attempts").size() - 1);
        say.note("webhook received by ingest: HTTP " + last.path("status").asInt() + " in "
                + last.path("duration_ms").asLong() + " ms, signed with key " + last.path("kid").asText());
        watch.await(EventTypes.RELINK_REQUESTED, itemId, WAIT);
        journey.awaitItemStatus(user, itemId, "LOGIN_REQUIRED", WAIT);
        say.step("app -> link-service: open re-link prompts for the user (the banner 'Reconnect your bank')");
        awaitPrompt(user, itemId);
        say.step("the user taps it: app -> link-service: an update-mode Link token");
        JsonNode t = journey.updateModeToken(user, itemId);
        say.note("update_mode=" + t.path("update_mode").asText() + " for item " + itemId);
        say.step("Plaid Link in update mode (emulator), then app -> link-service: update completed");
        journey.completeUpdate(user, itemId, t.path("link_token").asText(), null);
        watch.await(EventTypes.RELINK_RESOLVED, itemId, WAIT);
        JsonNode item = journey.awaitItemStatus(user, itemId, "HEALTHY", WAIT);
        say.note("item " + itemId + " is " + item.path("status").asText() + " again");
    }

    private void churn(String user, String itemId) {
        if (standalone) {
            say.title("3. Churn: an inactive user's Item is removed", "The churn policy removes Items nobody uses"
                    + " (handbook: 60 days without activity; here " + inactivitySeconds + " s). item-service's sweep"
                    + " commands churn-removal, removes the Item at Plaid and publishes item.removed. A second user"
                    + " who opens the app in time keeps theirs.");
            String other = user + "-active";
            String otherItem = journey.linkBank(other, "ins_109511", List.of("0000"), List.of("auth")).itemId();
            say.step("waiting for the inactivity rule (" + inactivitySeconds + " s); " + other
                    + " opens the app every 10 s");
            long deadline = System.nanoTime() + Duration.ofSeconds(inactivitySeconds).plus(WAIT).toNanos();
            while (watch.of(EventTypes.CHURN_REMOVAL_REQUESTED, itemId).isEmpty() && System.nanoTime() < deadline) {
                journey.recordActivity(other);
                sleep(10_000);
            }
            watch.await(EventTypes.ITEM_REMOVED, itemId, WAIT);
            say.note(otherItem + " (active user) was not selected: "
                    + watch.of(EventTypes.CHURN_REMOVAL_REQUESTED, otherItem).isEmpty());
        } else {
            say.title("3. Removal: the user closes their account", "item-service removes Items by the churn policy"
                    + " (60 days inactive, 10 unanswered reminders, 30 days in error: too slow for a demo; run"
                    + " ./tartan demo --standalone to watch the inactivity rule with a 45 s threshold). The same"
                    + " machinery runs when the app asks for a removal: a churn-removal command, /item/remove at Plaid,"
                    + " item.removed.");
            say.step("app -> item-service: remove the user's Item (USER_REQUEST)");
            journey.requestRemoval(user, itemId, "USER_REQUEST");
            watch.await(EventTypes.ITEM_REMOVED, itemId, WAIT);
        }
        say.step("Plaid (emulator): is the Item still there?");
        JsonNode e = journey.emulatorItem(itemId);
        say.note("at Plaid: " + e.path("status").asText());
        journey.awaitItemStatus(user, itemId, "REMOVED", WAIT);
    }


    private void awaitPrompt(String user, String itemId) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode p : journey.relinkPrompts(user)) {
                if (itemId.equals(p.path("item_id").asText())) {
                    say.note("prompt: mode " + p.path("mode").asText() + ", reason " + p.path("reason").asText()
                            + ", deadline " + p.path("deadline").asText());
                    return;
                }
            }
            sleep(300);
        }
        throw new AssertionError("no re-link prompt for " + itemId);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
