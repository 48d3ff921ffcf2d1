package dev.tartan.system.e2e;

import static dev.tartan.system.e2e.E2e.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.tartan.contracts.EventTypes;
import dev.tartan.system.deploy.RepoFiles;
import dev.tartan.system.harness.EventWatch;
import dev.tartan.system.harness.Journey;
import dev.tartan.system.harness.TartanSystem;

/**
 * The Grafana dashboard and the Prometheus alert rules in {@code deploy/monitoring} only name metrics that the running
 * services export: every service's {@code /q/metrics} is scraped after real traffic, and every metric named in a
 * panel query or an alert expression must be among the exported series. A renamed metric fails here, not silently
 * on an operator's empty panel. It also checks the names the issue asks for (Items by status, open fraud reviews,
 * churn-removal queue, consumer lag, outbox backlog and age, spool depth, inbox duplicates, Plaid calls) are there,
 * and that production logs are JSON lines with Plaid's identifiers as fields.
 */
@Order(8)
@Tag("e2e")
class S8MonitoringMetricsTest {

    private static final List<String> SERVICES = List.of(TartanSystem.INGEST, TartanSystem.LINK, TartanSystem.ITEM,
            TartanSystem.IDENTITY, TartanSystem.BEACON);

    /** PromQL words that look like identifiers but are not metric names. */
    private static final Set<String> PROMQL_WORDS = Set.of("and", "or", "unless", "bool", "offset", "inf", "nan");

    @Test
    void dashboardAndAlertsNameOnlyExportedMetrics() throws IOException, InterruptedException {
        TartanSystem sys = E2e.system();
        traffic(sys);

        Map<String, Set<String>> exported = new TreeMap<>();
        HttpClient client = HttpClient.newHttpClient();
        for (String service : SERVICES) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(sys.url(service) + "q/metrics"))
                    .header("Accept", "text/plain").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), service + " /q/metrics");
            exported.put(service, sampleNames(r.body()));
        }
        Set<String> all = new TreeSet<>();
        exported.values().forEach(all::addAll);

        Map<String, String> referenced = new TreeMap<>();
        Path monitoring = RepoFiles.root().resolve("deploy/monitoring");
        JsonNode dashboard = new ObjectMapper().readTree(monitoring.resolve("grafana-dashboard.json").toFile());
        List<String> panelExprs = dashboard.findValuesAsText("expr");
        assertTrue(panelExprs.size() >= 10, "the dashboard has panels with queries: " + panelExprs.size());
        panelExprs.forEach(e -> metricNames(e).forEach(m -> referenced.putIfAbsent(m, "dashboard: " + e)));
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(monitoring.resolve("prometheus-rules.yaml").toFile());
        int alerts = 0;
        for (JsonNode group : rules.path("spec").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                alerts++;
                String expr = rule.path("expr").asText();
                metricNames(expr).forEach(m -> referenced.putIfAbsent(m, "alert " + rule.path("alert").asText()));
            }
        }
        assertTrue(alerts >= 6, "alert rules present: " + alerts);

        Map<String, String> missing = new LinkedHashMap<>();
        referenced.forEach((metric, where) -> {
            if (!all.contains(metric)) {
                missing.put(metric, where);
            }
        });
        System.out.printf("  %d metrics named by the dashboard and alerts, all checked against %d exported series names%n",
                referenced.size(), all.size());
        assertEquals(Map.of(), missing, "named in deploy/monitoring but exported by no service");

        // what the issue asks operators to see, per service that owns it
        for (String[] want : new String[][] {
                {TartanSystem.INGEST, "tartan_webhooks_accepted_total"},
                {TartanSystem.INGEST, "tartan_webhooks_rejected_total"},
                {TartanSystem.INGEST, "tartan_ingest_spool_depth"},
                {TartanSystem.ITEM, "tartan_items"},
                {TartanSystem.ITEM, "tartan_item_churn_removal_queue"},
                {TartanSystem.IDENTITY, "tartan_identity_fraud_reviews_open"},
                {TartanSystem.BEACON, "tartan_beacon_fraud_reviews_open"},
                {TartanSystem.ITEM, "kafka_consumer_fetch_manager_records_lag_max"},
                {TartanSystem.ITEM, "tartan_outbox_backlog"},
                {TartanSystem.ITEM, "tartan_outbox_oldest_age_seconds"},
                {TartanSystem.ITEM, "tartan_inbox_duplicates_skipped_total"},
                {TartanSystem.LINK, "tartan_plaid_calls_seconds_count"}}) {
            assertTrue(exported.get(want[0]).contains(want[1]), want[0] + " exports " + want[1]);
        }
        assertTrue(panelExprs.stream().anyMatch(e -> e.contains("tartan_items")), "the dashboard shows Items by status");
    }

    /**
     * The services run in the production profile here, so their logs are JSON lines: every line parses, names its
     * service and level, and a Plaid call carries Plaid's identifiers as MDC fields, not only inside the message.
     * Two kinds of line are not ours to format: the harness's start banner and plaid-java's own System.out warning
     * about a base URL that is not Plaid's (the emulator's).
     */
    @Test
    void productionLogsAreJsonLinesWithPlaidIdsAsFields() throws IOException {
        TartanSystem sys = E2e.system();
        Journey j = E2e.journey();
        String user = E2e.user("s8log");
        String itemId = j.linkBank(user, Journey.DEFAULT_INSTITUTION, List.of("0000"), List.of("auth")).itemId();
        j.awaitItemStatus(user, itemId, "HEALTHY", WAIT);
        ObjectMapper json = new ObjectMapper();
        boolean plaidCallWithIds = false;
        for (String service : SERVICES) {
            List<String> notJson = new java.util.ArrayList<>();
            int lines = 0;
            for (String line : Files.readAllLines(sys.logFile(service))) {
                if (line.isBlank() || line.startsWith("==== ") || line.startsWith("baseUrl not found in PLAID_ENVS")) {
                    continue;
                }
                lines++;
                JsonNode n;
                try {
                    n = json.readTree(line);
                } catch (IOException e) {
                    notJson.add(line);
                    continue;
                }
                assertEquals(service, n.path("service").asText(), "service field: " + line);
                assertTrue(n.hasNonNull("level") && n.hasNonNull("message") && n.hasNonNull("timestamp"), line);
                JsonNode mdc = n.path("mdc");
                if (itemId.equals(mdc.path("plaid.item_id").asText()) && mdc.hasNonNull("plaid.request_id")
                        && mdc.hasNonNull("plaid.endpoint")) {
                    plaidCallWithIds = true;
                }
            }
            assertTrue(lines > 10, service + " logged something: " + lines);
            assertEquals(List.of(), notJson, service + ": log lines that are not JSON");
        }
        assertTrue(plaidCallWithIds, "a Plaid call for " + itemId + " logged with plaid.item_id and plaid.request_id fields");
    }

    /** Enough traffic that the lazily registered series (tagged counters, timers) exist. */
    private static void traffic(TartanSystem sys) {
        Journey j = E2e.journey();
        EventWatch w = E2e.watch();
        String user = E2e.user("s8");
        Journey.Linked linked = j.linkBank(user, Journey.DEFAULT_INSTITUTION, List.of("0000"), List.of("auth"));
        j.awaitItemStatus(user, linked.itemId(), "HEALTHY", WAIT);
        j.fireItemWebhook(linked.itemId(), "ERROR", null);
        w.await(EventTypes.RELINK_REQUESTED, linked.itemId(), WAIT);
        // a webhook without Plaid-Verification: one rejection counted by reason
        int status = j.http().send("POST", sys.url(TartanSystem.INGEST) + "plaid/webhooks", null,
                Map.of("webhook_type", "ITEM", "webhook_code", "ERROR", "item_id", linked.itemId())).status();
        assertEquals(401, status, "unsigned webhook refused");
    }

    /** Sample names of a Prometheus text exposition ({@code name{labels} value} and {@code name value}). */
    static Set<String> sampleNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                end++;
            }
            names.add(line.substring(0, end));
        }
        return names;
    }

    private static final Pattern IDENT = Pattern.compile("(?<![\\w.])[a-zA-Z_:][a-zA-Z0-9_:]*");

    /** The metric names in a PromQL expression: identifiers that are not functions, keywords or grouping labels. */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"[^\"]*\"", "\"\"")
                .replaceAll("\\{[^}]*}", "")
                .replaceAll("\\[[^\\]]*]", "")
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", "");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENT.matcher(e);
        while (m.find()) {
            String word = m.group();
            int next = m.end();
            while (next < e.length() && Character.isWhitespace(e.charAt(next))) {
                next++;
            }
            boolean function = next < e.length() && e.charAt(next) == '(';
            if (!function && !PROMQL_WORDS.contains(word.toLowerCase())) {
                names.add(word);
            }
        }
        return names;
    }

    @Test
    void promqlParsingFindsMetricsNotFunctionsOrLabels() {
        assertEquals(Set.of("a_total", "b_total"), metricNames(
                "sum by (reason, client_id) (rate(a_total{x=\"y\"}[30m])) / clamp_min(sum(rate(b_total[5m])), 1e-9) > 0.5"));
        assertEquals(Set.of("x_bucket"), metricNames("histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m])))"));
        assertEquals(Set.of("g", "h"), metricNames("max(g) > 100 and max(deriv(h[5m])) > 0"));
        assertEquals(Set.of("n_total", "m"), sampleNames("# HELP n\n# TYPE n counter\nn_total{a=\"b\"} 1.0\nm 2\n"));
        assertTrue(Files.isDirectory(RepoFiles.root().resolve("deploy/monitoring")));
    }
}
