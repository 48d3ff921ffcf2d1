package dev.tartan.link.relink;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.LinkUpdateCompleted;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.link.Json;
import dev.tartan.link.LinkProblem;
import dev.tartan.link.exchange.ExchangeService;
import dev.tartan.link.exchange.LinkedItem;
import dev.tartan.link.token.LinkTokenRecord;
import dev.tartan.messaging.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * The user finished update mode for an Item: publish {@code link.update-completed} (item-service resolves the
 * re-link with it), once per Link session and Item; take the new account set when account selection ran.
 */
@ApplicationScoped
public class UpdateCompletionService {

    private static final Logger LOG = Logger.getLogger(UpdateCompletionService.class);

    private final Outbox outbox;

    public UpdateCompletionService(Outbox outbox) {
        this.outbox = outbox;
    }

    @WithTransaction
    public Uni<UpdateCompletionResult> complete(UpdateCompletionRequest r) {
        validate(r);
        String session = r.metadata().linkSessionId();
        String key = session + "/" + r.itemId();
        return LinkedItem.<LinkedItem>findById(r.itemId()).flatMap(item -> {
            if (item == null || item.removedAt != null || !item.clientUserId.equals(r.clientUserId())) {
                throw LinkProblem.notFound("ITEM_NOT_FOUND", "item_id", "item " + r.itemId() + " is not a linked Item of this user");
            }
            return UpdateCompletion.<UpdateCompletion>findById(key).flatMap(done -> {
                if (done != null) {
                    LOG.infof("update mode completion already recorded: item_id=%s link_session_id=%s", r.itemId(), session);
                    return Uni.createFrom().item(new UpdateCompletionResult(done.itemId, done.linkSessionId,
                            UpdateMode.valueOf(done.mode), Json.accounts(item.accounts), done.completedAt));
                }
                return modeOf(r.itemId()).flatMap(mode -> record(r, item, key, mode));
            });
        });
    }

    /** The open re-link's mode, else the mode of the latest update-mode token issued for the Item, else LOGIN. */
    private Uni<UpdateMode> modeOf(String itemId) {
        return RelinkPrompt.<RelinkPrompt>find("itemId = ?1 and resolvedAt is null order by requestedAt desc", itemId).firstResult()
                .flatMap(p -> p != null ? Uni.createFrom().item(UpdateMode.valueOf(p.mode))
                        : LinkTokenRecord.<LinkTokenRecord>find("itemId = ?1 and purpose = 'UPDATE' order by createdAt desc", itemId)
                        .firstResult()
                        .map(t -> t == null || t.updateMode == null ? UpdateMode.LOGIN : UpdateMode.valueOf(t.updateMode)));
    }

    private Uni<UpdateCompletionResult> record(UpdateCompletionRequest r, LinkedItem item, String key, UpdateMode mode) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        String session = r.metadata().linkSessionId();
        List<LinkedAccount> reported = r.metadata().accounts() == null ? List.of() : r.metadata().accounts().stream()
                .map(a -> new LinkedAccount(a.id(), a.name(), a.mask(), a.type(), a.subtype())).toList();
        // Link reports the (new) account set after account selection; other update sessions keep the stored one
        List<LinkedAccount> accounts = reported.isEmpty() ? Json.accounts(item.accounts) : reported;
        if (!reported.isEmpty()) {
            item.accounts = Json.write(reported);
        }
        UpdateCompletion c = new UpdateCompletion();
        c.completionKey = key;
        c.itemId = item.itemId;
        c.clientUserId = item.clientUserId;
        c.linkSessionId = session;
        c.mode = mode.name();
        c.completedAt = now;
        LinkUpdateCompleted payload = new LinkUpdateCompleted(item.itemId, item.clientUserId, session, mode, accounts, now);
        EventEnvelope envelope = EventEnvelope.wrap(EventTypes.LINK_UPDATE_COMPLETED,
                ExchangeService.deterministicId("link.update-completed", key), outbox.source(), now, item.itemId, payload);
        return c.persist()
                .chain(() -> RelinkPrompt.update("updateCompletedAt = ?1 where itemId = ?2 and resolvedAt is null", now, item.itemId))
                .chain(() -> outbox.append(Topics.LINK_SESSIONS, "item", envelope))
                .invoke(() -> LOG.infof("update mode completed: item_id=%s client_user_id=%s link_session_id=%s mode=%s",
                        item.itemId, item.clientUserId, session, mode))
                .replaceWith(new UpdateCompletionResult(item.itemId, session, mode, accounts, now));
    }

    static void validate(UpdateCompletionRequest r) {
        if (r == null) {
            throw LinkProblem.invalid("MISSING_BODY", null, "a JSON body is required");
        }
        if (r.clientUserId() == null || r.clientUserId().isBlank()) {
            throw LinkProblem.invalid("MISSING_FIELD", "client_user_id", "client_user_id is required");
        }
        if (r.itemId() == null || r.itemId().isBlank()) {
            throw LinkProblem.invalid("MISSING_FIELD", "item_id", "item_id is required: the Item update mode ran for");
        }
        if (r.metadata() == null || r.metadata().linkSessionId() == null || r.metadata().linkSessionId().isBlank()) {
            throw LinkProblem.invalid("MISSING_FIELD", "metadata.link_session_id", "metadata.link_session_id is required");
        }
    }
}
