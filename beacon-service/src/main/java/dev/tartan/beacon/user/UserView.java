package dev.tartan.beacon.user;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** A Beacon user as the API shows it: status, full status history, review episodes, reports, Items. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserView(@JsonProperty("beacon_user_id") String beaconUserId,
                       @JsonProperty("client_user_id") String clientUserId,
                       @JsonProperty("program_id") String programId,
                       @JsonProperty("status") String status,
                       @JsonProperty("version") int version,
                       @JsonProperty("created_at") Instant createdAt,
                       @JsonProperty("updated_at") Instant updatedAt,
                       @JsonProperty("status_history") List<HistoryEntry> statusHistory,
                       @JsonProperty("review_episodes") List<Episode> reviewEpisodes,
                       @JsonProperty("reports") List<Report> reports,
                       @JsonProperty("item_ids") List<String> itemIds,
                       @JsonProperty("user") UserData user) {

    public record HistoryEntry(@JsonProperty("status") String status, @JsonProperty("previous_status") String previousStatus,
                               @JsonProperty("version") int version, @JsonProperty("cause") String cause,
                               @JsonProperty("audit_source") String auditSource, @JsonProperty("plaid_request_id") String requestId,
                               @JsonProperty("plaid_updated_at") Instant plaidUpdatedAt, @JsonProperty("observed_at") Instant observedAt) {
    }

    public record Episode(@JsonProperty("review_id") String reviewId, @JsonProperty("opened_at") Instant openedAt,
                          @JsonProperty("closed_at") Instant closedAt, @JsonProperty("outcome") String outcome,
                          @JsonProperty("evidence") JsonNode evidence) {
    }

    public record Report(@JsonProperty("beacon_report_id") String id, @JsonProperty("type") String type,
                         @JsonProperty("fraud_date") LocalDate fraudDate, @JsonProperty("fraud_amount") BigDecimal amount,
                         @JsonProperty("iso_currency_code") String currency, @JsonProperty("active") boolean active,
                         @JsonProperty("source") String source) {
    }
}
