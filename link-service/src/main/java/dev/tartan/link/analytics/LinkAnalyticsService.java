package dev.tartan.link.analytics;

import dev.tartan.link.Json;
import dev.tartan.link.LinkProblem;
import dev.tartan.link.config.LinkConfig;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Stores the app's Link callbacks and computes the conversion report. */
@ApplicationScoped
public class LinkAnalyticsService {

    private static final Logger LOG = Logger.getLogger(LinkAnalyticsService.class);
    static final Set<String> CALLBACKS = Set.of("ON_EVENT", "ON_EXIT", "ON_SUCCESS");
    public static final int MAX_BATCH = 500;

    private final LinkEventStore store;
    private final LinkConfig config;
    private final ConversionCalculator calculator = new ConversionCalculator();

    public LinkAnalyticsService(LinkEventStore store, LinkConfig config) {
        this.store = store;
        this.config = config;
    }

    /** Records callbacks; a callback forwarded twice is stored once. Returns how many were new. */
    @WithTransaction
    public Uni<Integer> recordCallbacks(List<LinkCallback> callbacks) {
        if (callbacks == null || callbacks.isEmpty()) {
            throw LinkProblem.invalid("MISSING_BODY", null, "a JSON array of Link callbacks is required");
        }
        if (callbacks.size() > MAX_BATCH) {
            throw LinkProblem.invalid("TOO_MANY_EVENTS", null, "at most " + MAX_BATCH + " callbacks per request");
        }
        for (int i = 0; i < callbacks.size(); i++) {
            validate(callbacks.get(i), i);
        }
        return Multi.createFrom().iterable(callbacks)
                .onItem().transformToUniAndConcatenate(c -> {
                    LinkEventRecord e = toRecord(c);
                    if (c.errorCode() != null || "ON_EXIT".equals(c.callback())) {
                        LOG.infof("Link %s %s: link_session_id=%s request_id=%s error_type=%s error_code=%s exit_status=%s "
                                        + "institution_id=%s client_user_id=%s", c.callback(), e.eventName(), c.linkSessionId(),
                                c.requestId(), c.errorType(), c.errorCode(), c.exitStatus(), c.institutionId(), c.clientUserId());
                    }
                    return store.append(callbackKey(c), "CALLBACK", e, c.clientUserId());
                })
                .collect().asList()
                .map(added -> (int) added.stream().filter(b -> b).count());
    }

    static LinkEventRecord toRecord(LinkCallback c) {
        String name = switch (c.callback()) {
            case "ON_SUCCESS" -> "ON_SUCCESS";
            case "ON_EXIT" -> "ON_EXIT";
            default -> c.eventName().toUpperCase(Locale.ROOT);
        };
        return new LinkEventRecord(c.linkSessionId(), name, c.timestamp(), c.viewName(), c.institutionId(), c.institutionName(),
                c.errorType(), c.errorCode(), c.exitStatus(), c.requestId());
    }

    /** Callbacks carry no id: the same callback forwarded twice has the same content, hence the same key. */
    static String callbackKey(LinkCallback c) {
        return "cb:" + Json.sha256(String.join("|", c.linkSessionId(), c.callback(), String.valueOf(c.eventName()),
                String.valueOf(c.timestamp()), String.valueOf(c.viewName()), String.valueOf(c.errorCode()),
                String.valueOf(c.exitStatus()), String.valueOf(c.requestId())));
    }

    private static void validate(LinkCallback c, int i) {
        String at = "[" + i + "].";
        if (c == null) {
            throw LinkProblem.invalid("MISSING_FIELD", "[" + i + "]", "callback " + i + " is null");
        }
        if (c.callback() == null || !CALLBACKS.contains(c.callback())) {
            throw LinkProblem.invalid("INVALID_FIELD", at + "callback", "callback must be ON_EVENT, ON_EXIT or ON_SUCCESS");
        }
        if (c.linkSessionId() == null || c.linkSessionId().isBlank()) {
            throw LinkProblem.invalid("MISSING_FIELD", at + "link_session_id", "link_session_id is required");
        }
        if (c.timestamp() == null) {
            throw LinkProblem.invalid("MISSING_FIELD", at + "timestamp", "timestamp is required (Link's metadata.timestamp)");
        }
        if ("ON_EVENT".equals(c.callback()) && (c.eventName() == null || c.eventName().isBlank())) {
            throw LinkProblem.invalid("MISSING_FIELD", at + "event_name", "event_name is required for ON_EVENT");
        }
    }

    @WithSession
    public Uni<ConversionReport> report(Instant from, Instant to) {
        if (from == null || to == null) {
            throw LinkProblem.invalid("MISSING_FIELD", from == null ? "from" : "to", "from and to (ISO-8601 instants) are required");
        }
        if (!from.isBefore(to)) {
            throw LinkProblem.invalid("INVALID_FIELD", "to", "to must be after from");
        }
        if (java.time.Duration.between(from, to).compareTo(config.maxReportRange()) > 0) {
            throw LinkProblem.invalid("RANGE_TOO_LONG", "to", "a report covers at most " + config.maxReportRange());
        }
        // sessions are placed by their first event; load every event of the sessions that started in range
        return LinkEventRow.<LinkEventRow>list("linkSessionId in (select e.linkSessionId from LinkEventRow e "
                        + "group by e.linkSessionId having min(e.occurredAt) >= ?1 and min(e.occurredAt) < ?2)", from, to)
                .map(rows -> calculator.report(from, to,
                        ConversionCalculator.funnels(rows.stream().map(LinkEventRow::toRecord).toList())));
    }
}
