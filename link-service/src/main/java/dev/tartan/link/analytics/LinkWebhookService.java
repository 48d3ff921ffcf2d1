package dev.tartan.link.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.plaid.client.model.LinkSessionItemAddResult;
import com.plaid.client.model.LinkTokenGetResponse;
import com.plaid.client.model.LinkTokenGetSessionsResponse;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.link.Json;
import dev.tartan.link.LinkProblem;
import dev.tartan.link.exchange.ExchangeRequest;
import dev.tartan.link.exchange.ExchangeService;
import dev.tartan.link.exchange.LinkMetadata;
import dev.tartan.link.plaid.LinkPlaid;
import dev.tartan.link.token.LinkTokenRecord;
import dev.tartan.messaging.consumer.PermanentEventFailure;
import dev.tartan.messaging.inbox.Inbox;
import dev.tartan.plaid.gateway.PlaidCallContext;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * LINK webhooks: {@code EVENTS} (stored by {@code event_id}: Plaid resends them cumulatively), {@code SESSION_FINISHED}
 * and {@code ITEM_ADD_RESULT} (whose public token is exchanged like the app's, duplicate check included, with the
 * session's {@code item_add_results} from {@code /link/token/get} as metadata).
 */
@ApplicationScoped
public class LinkWebhookService {

    private static final Logger LOG = Logger.getLogger(LinkWebhookService.class);
    public static final String CONSUMER = "link-service.link-webhooks";

    private final Inbox inbox;
    private final LinkEventStore store;
    private final ExchangeService exchanges;
    private final LinkPlaid plaid;

    public LinkWebhookService(Inbox inbox, LinkEventStore store, ExchangeService exchanges, LinkPlaid plaid) {
        this.inbox = inbox;
        this.store = store;
        this.exchanges = exchanges;
        this.plaid = plaid;
    }

    public Uni<Void> handle(EventEnvelope envelope) {
        if (!envelope.type().startsWith(PlaidWebhookReceived.TYPE_PREFIX + "LINK.")) {
            LOG.debugf("event %s of type %s is not a LINK webhook: skipped", envelope.id(), envelope.type());
            return Uni.createFrom().voidItem();
        }
        PlaidWebhookReceived webhook = envelope.dataAs(PlaidWebhookReceived.class);
        JsonNode body;
        try {
            body = EventJson.mapper().readTree(webhook.body());
        } catch (Exception e) {
            throw new PermanentEventFailure("LINK webhook " + envelope.id() + " has a body that is not JSON", e);
        }
        String code = webhook.webhookCode();
        String session = text(body, "link_session_id");
        String linkToken = text(body, "link_token");
        if (session == null) {
            throw new PermanentEventFailure("LINK webhook " + envelope.id() + " (" + code + ") has no link_session_id");
        }
        Instant at = webhook.receivedAt() == null ? envelope.time() : webhook.receivedAt();
        LOG.infof("LINK %s webhook: link_session_id=%s delivery_id=%s", code, session, webhook.deliveryId());
        // the exchange is a Plaid call: never inside the transaction below; it is idempotent by itself
        Uni<Void> before = "ITEM_ADD_RESULT".equals(code) ? exchangeAddedItem(session, linkToken, text(body, "public_token"))
                : Uni.createFrom().voidItem();
        return before.chain(() -> Panache.withTransaction(() -> inbox.runOnce(CONSUMER, envelope.id(),
                () -> userOf(linkToken).chain(user -> store(code, session, body, at, user))))).replaceWithVoid();
    }

    private Uni<Void> store(String code, String session, JsonNode body, Instant at, String user) {
        List<Object[]> rows = new ArrayList<>();
        switch (code) {
            case "EVENTS" -> {
                for (JsonNode ev : body.path("events")) {
                    String eventId = text(ev, "event_id");
                    if (eventId == null) {
                        continue;
                    }
                    JsonNode m = ev.path("event_metadata");
                    Instant ts = parseTime(text(ev, "timestamp"), at);
                    rows.add(new Object[]{"ev:" + eventId, new LinkEventRecord(session, text(ev, "event_name"), ts,
                            text(m, "view_name"), text(m, "institution_id"), text(m, "institution_name"), text(m, "error_type"),
                            text(m, "error_code"), text(m, "exit_status"), text(m, "request_id"))});
                }
            }
            case "SESSION_FINISHED" -> rows.add(new Object[]{"sf:" + session, new LinkEventRecord(session,
                    SessionFunnel.SESSION_FINISHED, at, null, null, null, null, null, text(body, "status"), null)});
            case "ITEM_ADD_RESULT" -> rows.add(new Object[]{"iar:" + Json.sha256(String.valueOf(text(body, "public_token"))),
                    new LinkEventRecord(session, "ITEM_ADD_RESULT", at, null, null, null, null, null, null, null)});
            default -> LOG.debugf("LINK %s webhook not used by link-service", code);
        }
        return Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(r -> store.append((String) r[0], "WEBHOOK", (LinkEventRecord) r[1], user))
                .collect().asList()
                .invoke(added -> {
                    if ("EVENTS".equals(code)) {
                        long fresh = added.stream().filter(b -> b).count();
                        LOG.infof("LINK EVENTS: link_session_id=%s events=%d new=%d (resends are cumulative)", session, added.size(), fresh);
                    }
                })
                .replaceWithVoid();
    }

    private Uni<String> userOf(String linkToken) {
        if (linkToken == null) {
            return Uni.createFrom().nullItem();
        }
        return LinkTokenRecord.<LinkTokenRecord>findById(Json.sha256(linkToken)).map(t -> t == null ? null : t.clientUserId);
    }

    /** ITEM_ADD_RESULT: exchange like onSuccess would, with the session's results as metadata. */
    Uni<Void> exchangeAddedItem(String session, String linkToken, String publicToken) {
        if (linkToken == null || publicToken == null) {
            throw new PermanentEventFailure("ITEM_ADD_RESULT without link_token or public_token (link_session_id=" + session + ")");
        }
        return Panache.withSession(() -> LinkTokenRecord.<LinkTokenRecord>findById(Json.sha256(linkToken)))
                .flatMap(token -> {
                    if (token == null) {
                        LOG.warnf("ITEM_ADD_RESULT for a Link token link-service did not issue: link_session_id=%s; not exchanged", session);
                        return Uni.createFrom().voidItem();
                    }
                    if ("UPDATE".equals(token.purpose) || "IDENTITY_DOCUMENT_UPLOAD".equals(token.purpose)) {
                        return Uni.createFrom().voidItem(); // update mode issues no new Item
                    }
                    return plaid.getLinkToken(linkToken, PlaidCallContext.linkSession(session).withClientUserId(token.clientUserId))
                            .flatMap(got -> {
                                LinkMetadata metadata = metadataFor(got, session, publicToken);
                                return exchanges.exchange(new ExchangeRequest(token.clientUserId, publicToken, linkToken, metadata))
                                        .invoke(r -> LOG.infof("ITEM_ADD_RESULT exchanged: item_id=%s link_session_id=%s", r.itemId(), session))
                                        .onFailure(LinkProblem.class).recoverWithItem(e -> {
                                            LinkProblem p = (LinkProblem) e;
                                            LOG.infof("ITEM_ADD_RESULT not exchanged (%s): link_session_id=%s %s", p.code(), session, p.getMessage());
                                            return null;
                                        })
                                        .replaceWithVoid();
                            });
                });
    }

    static LinkMetadata metadataFor(LinkTokenGetResponse got, String session, String publicToken) {
        if (got.getLinkSessions() != null) {
            for (LinkTokenGetSessionsResponse s : got.getLinkSessions()) {
                if (s.getResults() == null || s.getResults().getItemAddResults() == null) {
                    continue;
                }
                for (LinkSessionItemAddResult r : s.getResults().getItemAddResults()) {
                    if (Objects.equals(publicToken, r.getPublicToken())) {
                        LinkMetadata.Institution inst = r.getInstitution() == null ? null
                                : new LinkMetadata.Institution(r.getInstitution().getInstitutionId(), r.getInstitution().getName());
                        List<LinkMetadata.Account> accounts = r.getAccounts() == null ? List.of() : r.getAccounts().stream()
                                .map(a -> new LinkMetadata.Account(a.getId(), a.getName(), a.getMask(), a.getType(), a.getSubtype(),
                                        a.getVerificationStatus()))
                                .toList();
                        return new LinkMetadata(session, inst, accounts);
                    }
                }
            }
        }
        throw new PermanentEventFailure("/link/token/get has no item_add_result for the public token of link_session_id=" + session);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant parseTime(String s, Instant fallback) {
        if (s == null) {
            return fallback;
        }
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            try {
                return java.time.OffsetDateTime.parse(s).toInstant();
            } catch (RuntimeException e2) {
                return fallback;
            }
        }
    }
}
