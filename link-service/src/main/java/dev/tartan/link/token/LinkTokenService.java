package dev.tartan.link.token;

import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.link.Json;
import dev.tartan.link.config.LinkConfig;
import dev.tartan.link.exchange.LinkedItem;
import dev.tartan.link.plaid.LinkPlaid;
import dev.tartan.link.relink.RelinkPrompt;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Creates Link tokens: read what is known about the Item (short session), validate, call Plaid through the
 * gateway (no transaction open), then record the token (short transaction).
 */
@ApplicationScoped
public class LinkTokenService {

    private static final Logger LOG = Logger.getLogger(LinkTokenService.class);

    private final LinkTokenRequestValidator validator;
    private final LinkPlaid plaid;
    private final MeterRegistry meters;

    public LinkTokenService(LinkConfig config, LinkPlaid plaid, MeterRegistry meters) {
        this.validator = new LinkTokenRequestValidator(config.tokenPolicy());
        this.plaid = plaid;
        this.meters = meters;
    }

    /** An Item's context and its sealed access token. */
    record Loaded(ItemContext context, SealedToken accessToken) {
    }

    public Uni<IssuedToken> create(LinkTokenRequest request) {
        boolean needsItem = request != null && request.flow() != null && request.flow().needsExistingItem()
                && request.itemId() != null && !request.itemId().isBlank();
        Uni<Loaded> loaded = needsItem ? Panache.withSession(() -> load(request.itemId())) : Uni.createFrom().nullItem();
        return loaded.flatMap(l -> {
            LinkTokenSpec spec;
            try {
                spec = validator.validate(request, l == null ? null : l.context());
            } catch (dev.tartan.link.LinkProblem p) {
                meters.counter("tartan_link_tokens_refused_total", "code", p.code()).increment();
                throw p;
            }
            return plaid.createLinkToken(spec, l == null ? null : l.accessToken())
                    .flatMap(issued -> Panache.withTransaction(() -> record(spec, issued))
                            .invoke(() -> meters.counter("tartan_link_tokens_issued_total", "flow", spec.flow().name()).increment())
                            .invoke(() -> LOG.infof("Link token issued: flow=%s client_user_id=%s item_id=%s update_mode=%s "
                                            + "account_selection=%s request_id=%s expires=%s", spec.flow(), spec.clientUserId(),
                                    spec.itemId(), spec.updateMode(), spec.accountSelectionEnabled(), issued.requestId(),
                                    issued.expiration()))
                            .replaceWith(new IssuedToken(issued.linkToken(), issued.expiration(), spec.flow(), spec.itemId(),
                                    spec.updateMode(), spec.accountSelectionEnabled(), issued.requestId())));
        });
    }

    /** The Item (if this service linked it) with its accounts and the open re-link, if any. */
    Uni<Loaded> load(String itemId) {
        return LinkedItem.<LinkedItem>findById(itemId).flatMap(item -> {
            if (item == null) {
                return Uni.createFrom().nullItem();
            }
            return RelinkPrompt.<RelinkPrompt>find("itemId = ?1 and resolvedAt is null order by requestedAt desc", itemId)
                    .firstResult()
                    .map(p -> new Loaded(new ItemContext(item.itemId, item.clientUserId, item.removedAt != null,
                            Json.accounts(item.accounts), p == null ? null : UpdateMode.valueOf(p.mode),
                            p == null ? null : Json.strings(p.products), p == null ? null : p.relinkId),
                            new SealedToken(item.tokenKeyId, item.tokenCiphertext)));
        });
    }

    private Uni<LinkTokenRecord> record(LinkTokenSpec spec, LinkPlaid.IssuedLinkToken issued) {
        LinkTokenRecord r = new LinkTokenRecord();
        r.tokenSha256 = Json.sha256(issued.linkToken());
        r.clientUserId = spec.clientUserId();
        r.purpose = spec.flow().name();
        r.itemId = spec.itemId();
        r.updateMode = spec.updateMode() == null ? null : spec.updateMode().name();
        r.accountSelectionEnabled = spec.accountSelectionEnabled();
        r.products = Json.write(productArrays(spec.products(), spec.requiredIfSupportedProducts(), spec.optionalProducts(),
                spec.additionalConsentedProducts()));
        r.countryCodes = Json.write(spec.countryCodes());
        r.requestId = issued.requestId();
        r.createdAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        r.expiresAt = issued.expiration();
        return r.persist();
    }

    public static Map<String, List<String>> productArrays(List<String> products, List<String> requiredIfSupported,
                                                          List<String> optional, List<String> additional) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        m.put("products", products);
        m.put("required_if_supported_products", requiredIfSupported);
        m.put("optional_products", optional);
        m.put("additional_consented_products", additional);
        return m;
    }
}
