package dev.tartan.item.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.relink.RelinkReason;
import dev.tartan.item.state.ItemErrorState;
import dev.tartan.item.state.ItemState;
import dev.tartan.item.state.ItemStatus;
import dev.tartan.item.state.RelinkEpisode;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;

/** One row of the Item registry. The state machine works on {@link #toState()} and writes back with {@link #apply}. */
@Entity
@Table(name = "item")
public class ItemEntity extends PanacheEntityBase {

    private static final TypeReference<List<LinkedAccount>> ACCOUNTS = new TypeReference<>() {
    };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    @Id
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "client_user_id")
    public String clientUserId;
    @Column(name = "institution_id")
    public String institutionId;
    @Column(name = "institution_name")
    public String institutionName;
    @Column(name = "accounts")
    public String accountsJson = "[]";
    @Column(name = "products")
    public String productsJson = "[]";
    @Column(name = "billed_products")
    public String billedProductsJson = "[]";
    @Column(name = "link_session_id")
    public String linkSessionId;
    @Column(name = "token_key_id")
    public String tokenKeyId;
    @Column(name = "token_ciphertext")
    public String tokenCiphertext;
    @Column(name = "linked_at")
    public Instant linkedAt;

    @Column(name = "status")
    public String status;
    @Column(name = "status_changed_at")
    public Instant statusChangedAt;
    @Column(name = "error_type")
    public String errorType;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "error_reason")
    public String errorReason;
    @Column(name = "error_since")
    public Instant errorSince;
    @Column(name = "last_recovered_at")
    public Instant lastRecoveredAt;
    @Column(name = "consent_expires_at")
    public Instant consentExpiresAt;
    @Column(name = "pending_disconnect_at")
    public Instant pendingDisconnectAt;
    @Column(name = "pending_disconnect_reason")
    public String pendingDisconnectReason;
    @Column(name = "revoked_account_ids")
    public String revokedAccountIdsJson = "[]";
    @Column(name = "new_accounts_pending")
    public boolean newAccountsPending;
    @Column(name = "webhook_url")
    public String webhookUrl;
    @Column(name = "last_webhook_code")
    public String lastWebhookCode;
    @Column(name = "last_webhook_at")
    public Instant lastWebhookAt;

    @Column(name = "last_reconciled_at")
    public Instant lastReconciledAt;
    @Column(name = "reconcile_due_at")
    public Instant reconcileDueAt;
    @Column(name = "reconcile_reason")
    public String reconcileReason;

    @Column(name = "last_activity_at")
    public Instant lastActivityAt;

    @Column(name = "relink_id")
    public String relinkId;
    @Column(name = "relink_mode")
    public String relinkMode;
    @Column(name = "relink_reason")
    public String relinkReason;
    @Column(name = "relink_error_code")
    public String relinkErrorCode;
    @Column(name = "relink_deadline")
    public Instant relinkDeadline;
    @Column(name = "relink_requested_at")
    public Instant relinkRequestedAt;
    @Column(name = "relink_reminders")
    public int relinkReminders;
    @Column(name = "relink_next_reminder_at")
    public Instant relinkNextReminderAt;

    @Column(name = "removal_id")
    public String removalId;
    @Column(name = "removal_reason")
    public String removalReason;
    @Column(name = "removal_urgent")
    public Boolean removalUrgent;
    @Column(name = "removal_requested_at")
    public Instant removalRequestedAt;
    @Column(name = "removal_scheduled_for")
    public Instant removalScheduledFor;
    @Column(name = "removal_next_attempt_at")
    public Instant removalNextAttemptAt;
    @Column(name = "removal_attempts")
    public int removalAttempts;
    @Column(name = "removal_last_error")
    public String removalLastError;
    @Column(name = "removal_request_id")
    public String removalRequestId;
    @Column(name = "removed_at")
    public Instant removedAt;

    @Version
    @Column(name = "version")
    public long version;

    public ItemState toState() {
        ItemErrorState error = errorCode == null ? null : new ItemErrorState(errorType, errorCode, errorReason);
        RelinkEpisode relink = relinkId == null ? null : new RelinkEpisode(relinkId, UpdateMode.valueOf(relinkMode),
                RelinkReason.valueOf(relinkReason), relinkErrorCode, relinkDeadline, relinkRequestedAt, relinkReminders,
                relinkNextReminderAt);
        return new ItemState(ItemStatus.valueOf(status), error, errorSince, statusChangedAt, lastRecoveredAt,
                consentExpiresAt, pendingDisconnectAt, pendingDisconnectReason,
                new LinkedHashSet<>(read(revokedAccountIdsJson, STRINGS)), newAccountsPending, relink);
    }

    public void apply(ItemState s) {
        status = s.status().name();
        statusChangedAt = s.statusChangedAt();
        errorType = s.error() == null ? null : s.error().type();
        errorCode = s.error() == null ? null : s.error().code();
        errorReason = s.error() == null ? null : s.error().reason();
        errorSince = s.errorSince();
        lastRecoveredAt = s.lastRecoveredAt();
        consentExpiresAt = s.consentExpiresAt();
        pendingDisconnectAt = s.pendingDisconnectAt();
        pendingDisconnectReason = s.pendingDisconnectReason();
        revokedAccountIdsJson = write(List.copyOf(s.revokedAccountIds()));
        newAccountsPending = s.newAccountsPending();
        RelinkEpisode r = s.relink();
        relinkId = r == null ? null : r.id();
        relinkMode = r == null ? null : r.mode().name();
        relinkReason = r == null ? null : r.reason().name();
        relinkErrorCode = r == null ? null : r.errorCode();
        relinkDeadline = r == null ? null : r.deadline();
        relinkRequestedAt = r == null ? null : r.requestedAt();
        relinkReminders = r == null ? 0 : r.remindersSent();
        relinkNextReminderAt = r == null ? null : r.nextReminderAt();
    }

    public ItemStatus itemStatus() {
        return ItemStatus.valueOf(status);
    }

    public List<LinkedAccount> accounts() {
        return read(accountsJson, ACCOUNTS);
    }

    public void accounts(List<LinkedAccount> accounts) {
        accountsJson = write(accounts == null ? List.of() : accounts);
    }

    public List<String> products() {
        return read(productsJson, STRINGS);
    }

    public List<String> billedProducts() {
        return read(billedProductsJson, STRINGS);
    }

    public List<String> revokedAccountIds() {
        return read(revokedAccountIdsJson, STRINGS);
    }

    public InstitutionRef institution() {
        return institutionId == null && institutionName == null ? null : new InstitutionRef(institutionId, institutionName);
    }

    public SealedToken token() {
        return tokenKeyId == null ? null : new SealedToken(tokenKeyId, tokenCiphertext);
    }

    public boolean selectedForRemoval() {
        return removalId != null;
    }

    public static String write(Object value) {
        try {
            return EventJson.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> readStrings(String json) {
        return read(json, STRINGS);
    }

    static <T> T read(String json, TypeReference<T> type) {
        try {
            return EventJson.mapper().readValue(json == null ? "[]" : json, type);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
