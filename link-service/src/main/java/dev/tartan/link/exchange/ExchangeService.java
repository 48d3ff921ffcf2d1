package dev.tartan.link.exchange;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.link.Json;
import dev.tartan.link.LinkProblem;
import dev.tartan.link.config.LinkConfig;
import dev.tartan.link.dedup.DuplicateItemDetector;
import dev.tartan.link.dedup.ExistingItem;
import dev.tartan.link.plaid.LinkPlaid;
import dev.tartan.link.token.LinkFlow;
import dev.tartan.link.token.LinkTokenRecord;
import dev.tartan.messaging.outbox.Outbox;
import dev.tartan.plaid.gateway.PlaidApiException;
import dev.tartan.plaid.gateway.PlaidCallContext;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Exchanges a public token safely: a token already exchanged answers the stored result (no second exchange, no
 * second event); a duplicate of one of the user's Items is refused before Plaid is called; otherwise exchange
 * (no transaction open), then store the Item and write {@code item.linked} to the outbox in one transaction.
 */
@ApplicationScoped
public class ExchangeService {

    private static final Logger LOG = Logger.getLogger(ExchangeService.class);
    static final String AGGREGATE = "item";
    static final String INVALID_PUBLIC_TOKEN = "INVALID_PUBLIC_TOKEN";

    private final LinkPlaid plaid;
    private final Outbox outbox;
    private final MeterRegistry meters;
    private final DuplicateItemDetector detector = new DuplicateItemDetector();

    private final Duration twinWait;

    public ExchangeService(LinkPlaid plaid, Outbox outbox, MeterRegistry meters, LinkConfig config) {
        this.plaid = plaid;
        this.outbox = outbox;
        this.meters = meters;
        this.twinWait = config.exchangeTwinWait();
    }

    private void outcome(String outcome) {
        meters.counter("tartan_link_exchanges_total", "outcome", outcome).increment();
    }

    /** What was decided before calling Plaid: either the stored answer, or what to record after the exchange. */
    record Prepared(ExchangeResult replay, Map<String, List<String>> productArrays) {
    }

    public Uni<ExchangeResult> exchange(ExchangeRequest request) {
        validate(request);
        String hash = Json.sha256(request.publicToken());
        LinkMetadata md = request.metadata();
        InstitutionRef institution = md.institution() == null ? null
                : new InstitutionRef(md.institution().institutionId(), md.institution().name());
        List<LinkedAccount> accounts = md.accounts().stream()
                .map(a -> new LinkedAccount(a.id(), a.name(), a.mask(), a.type(), a.subtype())).toList();
        String user = request.clientUserId();
        return Panache.withSession(() -> prepare(request, hash, institution, accounts))
                .flatMap(prep -> {
                    if (prep.replay() != null) {
                        LOG.infof("public token already exchanged: answering the stored result item_id=%s link_session_id=%s",
                                prep.replay().itemId(), md.linkSessionId());
                        outcome("replayed");
                        return Uni.createFrom().item(prep.replay());
                    }
                    PlaidCallContext ctx = PlaidCallContext.linkSession(md.linkSessionId()).withClientUserId(user);
                    return plaid.exchange(request.publicToken(), ctx)
                            .map(r -> new Exchanged(r, null))
                            .onFailure(PlaidApiException.class).recoverWithUni(e -> afterFailedExchange((PlaidApiException) e, hash))
                            .flatMap(x -> x.replay() != null ? Uni.createFrom().item(x.replay())
                                    : Panache.withTransaction(() -> store(request, hash, institution, accounts, prep.productArrays(),
                                            x.exchanged()))
                                    // a concurrent twin stored the same exchange first: answer what it stored
                                    .onFailure().recoverWithUni(e -> storedResult(hash).flatMap(stored -> stored != null
                                            ? Uni.createFrom().item(stored) : Uni.createFrom().<ExchangeResult>failure(e))));
                });
    }

    /** Either a fresh exchange, or (when a concurrent twin won) the stored answer. */
    record Exchanged(LinkPlaid.ExchangeResult exchanged, ExchangeResult replay) {
        String itemId() {
            return exchanged == null ? null : exchanged.itemId();
        }
    }

    private Uni<ExchangeResult> storedResult(String hash) {
        return Panache.withSession(() -> PublicTokenExchange.<PublicTokenExchange>findById(hash)
                .flatMap(done -> done == null ? Uni.createFrom().nullItem() : resultOf(done.itemId)));
    }

    private Uni<Exchanged> afterFailedExchange(PlaidApiException e, String hash) {
        // A twin (the app's onSuccess call, or the ITEM_ADD_RESULT webhook) may have exchanged this one-time token a
        // moment ago: answer what it stored. Plaid saying the token is used means the twin may still be between its
        // Plaid answer and its commit, so wait for it (bounded); any other error is answered at once.
        boolean usedUp = INVALID_PUBLIC_TOKEN.equals(e.errorCode());
        Uni<ExchangeResult> stored = Uni.createFrom().deferred(() -> storedResult(hash)); // each retry reads again
        if (usedUp && twinWait.toMillis() > 0) {
            stored = stored.onItem().ifNull().failWith(TwinNotStoredYet::new)
                    .onFailure(TwinNotStoredYet.class).retry().withBackOff(Duration.ofMillis(100), Duration.ofMillis(500))
                    .expireIn(twinWait.toMillis())
                    // past the wait Mutiny reports "retries exhausted" with the last failure as its cause
                    .onFailure(f -> f instanceof TwinNotStoredYet || f.getCause() instanceof TwinNotStoredYet).recoverWithNull();
        }
        return stored.flatMap(result -> {
            if (result != null) {
                if (usedUp) {
                    LOG.infof("public token used by a concurrent twin: answering its result item_id=%s", result.itemId());
                }
                return Uni.createFrom().item(new Exchanged(null, result));
            }
            return Uni.createFrom().failure(e);
        });
    }

    /** Nothing stored for the token yet: retried until the twin commits or the wait is over. */
    private static final class TwinNotStoredYet extends RuntimeException {
        TwinNotStoredYet() {
            super("no stored exchange for the public token yet", null, false, false);
        }
    }

    Uni<Prepared> prepare(ExchangeRequest request, String hash, InstitutionRef institution, List<LinkedAccount> accounts) {
        return PublicTokenExchange.<PublicTokenExchange>findById(hash).flatMap(done -> {
            if (done != null) {
                if (!done.clientUserId.equals(request.clientUserId())) {
                    throw LinkProblem.conflict("PUBLIC_TOKEN_ALREADY_USED", "this public token was exchanged for another user", null);
                }
                return resultOf(done.itemId).map(r -> new Prepared(r, null));
            }
            return LinkedItem.<LinkedItem>list("clientUserId = ?1 and removedAt is null", request.clientUserId())
                    .flatMap(items -> {
                        List<ExistingItem> existing = items.stream()
                                .map(i -> new ExistingItem(i.itemId, new InstitutionRef(i.institutionId, i.institutionName),
                                        Json.accounts(i.accounts)))
                                .toList();
                        var duplicate = detector.findDuplicate(institution, accounts, existing);
                        if (duplicate.isEmpty()) {
                            return productsOf(request).map(products -> new Prepared(null, products));
                        }
                        // The twin (the ITEM_ADD_RESULT webhook, or the app's own call) may have exchanged this very
                        // token and committed between the read above and this one: then the Item found is this
                        // token's, not a duplicate, and its stored result is the answer.
                        return PublicTokenExchange.<PublicTokenExchange>findById(hash).flatMap(twin -> {
                            if (twin != null && twin.clientUserId.equals(request.clientUserId())) {
                                return resultOf(twin.itemId).map(r -> new Prepared(r, null));
                            }
                            throw refuseDuplicate(request, institution, duplicate.get());
                        });
                    });
        });
    }

    private RuntimeException refuseDuplicate(ExchangeRequest request, InstitutionRef institution,
                                             DuplicateItemDetector.Duplicate dup) {
        LOG.infof("duplicate Item refused before exchange: client_user_id=%s existing item_id=%s "
                        + "institution_id=%s link_session_id=%s matched account mask=%s", request.clientUserId(),
                dup.existingItemId(), institution == null ? null : institution.institutionId(),
                request.metadata().linkSessionId(), dup.matchedAccount().mask());
        outcome("duplicate_refused");
        return LinkProblem.conflict("DUPLICATE_ITEM",
                "the user already linked these accounts at this institution as item " + dup.existingItemId()
                        + "; the public token was not exchanged", Map.of("existing_item_id", dup.existingItemId()));
    }

    /** The product arrays of the token Link was opened with: the one named, else the user's latest new-Item token. */
    private Uni<Map<String, List<String>>> productsOf(ExchangeRequest request) {
        Uni<LinkTokenRecord> token = request.linkToken() != null
                ? LinkTokenRecord.<LinkTokenRecord>findById(Json.sha256(request.linkToken()))
                .map(t -> t != null && t.clientUserId.equals(request.clientUserId()) ? t : null)
                : LinkTokenRecord.<LinkTokenRecord>find("clientUserId = ?1 and purpose in (?2) order by createdAt desc",
                request.clientUserId(), List.of(LinkFlow.NEW_ITEM.name(), LinkFlow.AUTH.name(), LinkFlow.BEACON.name())).firstResult();
        return token.map(t -> t == null ? Map.<String, List<String>>of() : Json.productArrays(t.products));
    }

    Uni<ExchangeResult> store(ExchangeRequest request, String hash, InstitutionRef institution, List<LinkedAccount> accounts,
                              Map<String, List<String>> productArrays, LinkPlaid.ExchangeResult exchanged) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String session = request.metadata().linkSessionId();
        LinkedItem item = new LinkedItem();
        item.itemId = exchanged.itemId();
        item.clientUserId = request.clientUserId();
        item.institutionId = institution == null ? null : institution.institutionId();
        item.institutionName = institution == null ? null : institution.name();
        item.accounts = Json.write(accounts);
        item.products = Json.write(productArrays);
        item.tokenKeyId = exchanged.accessToken().keyId();
        item.tokenCiphertext = exchanged.accessToken().ciphertext();
        item.linkSessionId = session;
        item.linkedAt = now;
        PublicTokenExchange ex = new PublicTokenExchange();
        ex.publicTokenSha256 = hash;
        ex.clientUserId = request.clientUserId();
        ex.itemId = exchanged.itemId();
        ex.linkSessionId = session;
        ex.requestId = exchanged.requestId();
        ex.exchangedAt = now;
        ItemLinked payload = new ItemLinked(item.itemId, item.clientUserId, institution, accounts,
                productArrays.get("products"), productArrays.get("required_if_supported_products"),
                productArrays.get("optional_products"), productArrays.get("additional_consented_products"), session,
                exchanged.accessToken(), now);
        EventEnvelope envelope = EventEnvelope.wrap(EventTypes.ITEM_LINKED, deterministicId("item.linked", item.itemId),
                outbox.source(), now, item.itemId, payload);
        return item.persist()
                .chain(() -> ex.persist())
                .chain(() -> outbox.append(Topics.ITEMS_EVENTS, AGGREGATE, envelope))
                .invoke(() -> outcome("linked"))
                .invoke(() -> LOG.infof("Item linked: item_id=%s client_user_id=%s institution_id=%s link_session_id=%s "
                                + "request_id=%s accounts=%s", item.itemId, item.clientUserId, item.institutionId, session,
                        exchanged.requestId(), accounts.stream().map(LinkedAccount::accountId).toList()))
                .replaceWith(toResult(item, productArrays));
    }

    Uni<ExchangeResult> resultOf(String itemId) {
        return LinkedItem.<LinkedItem>findById(itemId).map(i -> toResult(i, Json.productArrays(i.products)));
    }

    static ExchangeResult toResult(LinkedItem i, Map<String, List<String>> productArrays) {
        List<String> products = productArrays.values().stream().filter(Objects::nonNull).flatMap(List::stream).distinct().toList();
        return new ExchangeResult(i.itemId, i.clientUserId, new InstitutionRef(i.institutionId, i.institutionName),
                Json.accounts(i.accounts), products, i.linkSessionId);
    }

    /** Same cause, same id: a retried producer cannot publish twice under different ids. */
    public static String deterministicId(String kind, String key) {
        return UUID.nameUUIDFromBytes((kind + "/" + key).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static void validate(ExchangeRequest r) {
        if (r == null) {
            throw LinkProblem.invalid("MISSING_BODY", null, "a JSON body is required");
        }
        if (r.clientUserId() == null || r.clientUserId().isBlank()) {
            throw LinkProblem.invalid("MISSING_FIELD", "client_user_id", "client_user_id is required");
        }
        if (r.publicToken() == null || r.publicToken().isBlank()) {
            throw LinkProblem.invalid("MISSING_FIELD", "public_token", "public_token is required (from Link's onSuccess)");
        }
        if (!r.publicToken().startsWith("public-")) {
            throw LinkProblem.invalid("INVALID_FIELD", "public_token", "public_token must be a Link public token (public-...)");
        }
        if (r.metadata() == null) {
            throw LinkProblem.invalid("MISSING_FIELD", "metadata", "metadata (Link's onSuccess metadata) is required for the duplicate check");
        }
        if (r.metadata().accounts() == null || r.metadata().accounts().isEmpty()) {
            throw LinkProblem.invalid("MISSING_FIELD", "metadata.accounts", "metadata.accounts is required for the duplicate check");
        }
        for (LinkMetadata.Account a : r.metadata().accounts()) {
            if (a == null || a.id() == null || a.id().isBlank()) {
                throw LinkProblem.invalid("MISSING_FIELD", "metadata.accounts.id", "every account needs its id");
            }
        }
    }
}
