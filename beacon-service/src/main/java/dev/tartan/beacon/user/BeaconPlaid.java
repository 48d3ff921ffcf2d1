package dev.tartan.beacon.user;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.plaid.client.model.BeaconAccountRiskAttributes;
import com.plaid.client.model.BeaconAuditTrail;
import com.plaid.client.model.BeaconBankAccountInsights;
import com.plaid.client.model.BeaconDuplicateGetRequest;
import com.plaid.client.model.BeaconDuplicateGetResponse;
import com.plaid.client.model.BeaconMatchSummaryAnalysis;
import com.plaid.client.model.BeaconMatchSummaryCode;
import com.plaid.client.model.BeaconReportCreateRequest;
import com.plaid.client.model.BeaconReportCreateType;
import com.plaid.client.model.BeaconReportGetRequest;
import com.plaid.client.model.BeaconReportSyndicationAnalysis;
import com.plaid.client.model.BeaconReportSyndicationGetRequest;
import com.plaid.client.model.BeaconReportSyndicationGetResponse;
import com.plaid.client.model.BeaconSyndicatedReportDepositoryAccountMatchAnalysis;
import com.plaid.client.model.BeaconUserAccountInsightsGetRequest;
import com.plaid.client.model.BeaconUserCreateRequest;
import com.plaid.client.model.BeaconUserGetRequest;
import com.plaid.client.model.BeaconUserIDNumber;
import com.plaid.client.model.BeaconUserName;
import com.plaid.client.model.BeaconUserNameNullable;
import com.plaid.client.model.BeaconUserRequestAddress;
import com.plaid.client.model.BeaconUserRequestAddressNullable;
import com.plaid.client.model.BeaconUserRequestData;
import com.plaid.client.model.BeaconUserRequestDepositoryAccount;
import com.plaid.client.model.BeaconUserReviewRequest;
import com.plaid.client.model.BeaconUserStatus;
import com.plaid.client.model.BeaconUserUpdateRequest;
import com.plaid.client.model.BeaconUserUpdateRequestData;
import com.plaid.client.model.FraudAmount;
import com.plaid.client.model.IDNumberType;
import com.plaid.client.model.ISOCurrencyCode;
import dev.tartan.beacon.insights.RiskSignals;
import dev.tartan.beacon.report.FraudReportRequest;
import dev.tartan.contracts.EventJson;
import dev.tartan.plaid.gateway.PlaidCallContext;
import dev.tartan.plaid.gateway.PlaidEndpoint;
import dev.tartan.plaid.gateway.PlaidGateway;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Beacon through the Plaid gateway, translated to and from this service's types. Every response is reduced to
 * what the service keeps: PII in responses is dropped here. Logs carry Plaid's ids and request ids only.
 */
@ApplicationScoped
public class BeaconPlaid {

    private static final Logger LOG = Logger.getLogger(BeaconPlaid.class);

    private final PlaidGateway gateway;

    public BeaconPlaid(PlaidGateway gateway) {
        this.gateway = gateway;
    }

    /** A fetched report (no PII). */
    public record Report(String id, String beaconUserId, String type, LocalDate fraudDate, LocalDate eventDate,
                         BigDecimal amount, String currency, String requestId) {
    }

    /** A fetched syndication: the original report's kind and the match analysis. */
    public record Syndication(String id, String beaconUserId, String reportId, String reportType, LocalDate fraudDate,
                              ObjectNode analysis, boolean confirmed, String requestId) {
    }

    /** A fetched duplicate pair. */
    public record Duplicate(String id, String beaconUser1Id, String beaconUser2Id, ObjectNode analysis, String requestId) {
    }

    /** Account insights of one Item. */
    public record Insights(String itemId, List<RiskSignals> accounts, String requestId) {
    }

    public Uni<PlaidUserSnapshot> createUser(String programId, String clientUserId, UserData data) {
        BeaconUserCreateRequest req = new BeaconUserCreateRequest().programId(programId).clientUserId(clientUserId).user(toRequest(data));
        return gateway.call(PlaidEndpoint.BEACON_USER_CREATE, PlaidCallContext.user(clientUserId), api -> api.beaconUserCreate(req))
                .map(r -> snapshot(r.getId(), r.getClientUserId(), r.getStatus(), r.getVersion(), r.getUpdatedAt(), r.getItemIds(),
                        r.getAuditTrail(), r.getRequestId()))
                .invoke(s -> log("/beacon/user/create", s));
    }

    public Uni<PlaidUserSnapshot> getUser(String beaconUserId) {
        return gateway.call(PlaidEndpoint.BEACON_USER_GET, PlaidCallContext.none(),
                        api -> api.beaconUserGet(new BeaconUserGetRequest().beaconUserId(beaconUserId)))
                .map(r -> snapshot(r.getId(), r.getClientUserId(), r.getStatus(), r.getVersion(), r.getUpdatedAt(), r.getItemIds(),
                        r.getAuditTrail(), r.getRequestId()))
                .invoke(s -> log("/beacon/user/get", s));
    }

    public Uni<PlaidUserSnapshot> updateUser(String beaconUserId, String clientUserId, UserData patch) {
        BeaconUserUpdateRequest req = new BeaconUserUpdateRequest().beaconUserId(beaconUserId).user(toUpdate(patch));
        return gateway.call(PlaidEndpoint.BEACON_USER_UPDATE, PlaidCallContext.user(clientUserId), api -> api.beaconUserUpdate(req))
                .map(r -> snapshot(r.getId(), r.getClientUserId(), r.getStatus(), r.getVersion(), r.getUpdatedAt(), r.getItemIds(),
                        r.getAuditTrail(), r.getRequestId()))
                .invoke(s -> log("/beacon/user/update", s));
    }

    /** {@code /beacon/user/update} with an Item's access token (opened inside the gateway only). */
    public Uni<PlaidUserSnapshot> associateItem(String beaconUserId, String itemId, dev.tartan.contracts.SealedToken token) {
        return gateway.callWithAccessToken(PlaidEndpoint.BEACON_USER_UPDATE, itemId, token,
                        (api, accessToken) -> api.beaconUserUpdate(new BeaconUserUpdateRequest().beaconUserId(beaconUserId)
                                .accessTokens(List.of(accessToken))))
                .map(r -> snapshot(r.getId(), r.getClientUserId(), r.getStatus(), r.getVersion(), r.getUpdatedAt(), r.getItemIds(),
                        r.getAuditTrail(), r.getRequestId()))
                .invoke(s -> LOG.infof("Plaid /beacon/user/update associated item_id=%s with beacon_user_id=%s (request_id=%s)",
                        itemId, beaconUserId, s.requestId()));
    }

    public Uni<Insights> accountInsights(String beaconUserId, String itemId, dev.tartan.contracts.SealedToken token) {
        return gateway.callWithAccessToken(PlaidEndpoint.BEACON_USER_ACCOUNT_INSIGHTS_GET, itemId, token,
                        (api, accessToken) -> api.beaconUserAccountInsightsGet(new BeaconUserAccountInsightsGetRequest()
                                .beaconUserId(beaconUserId).accessToken(accessToken)))
                .map(r -> {
                    List<RiskSignals> accounts = new ArrayList<>();
                    String insightsItem = itemId;
                    if (r.getBankAccountInsights() != null) {
                        if (r.getBankAccountInsights().getItemId() != null) {
                            insightsItem = r.getBankAccountInsights().getItemId();
                        }
                        for (BeaconBankAccountInsights a : nullSafe(r.getBankAccountInsights().getAccounts())) {
                            BeaconAccountRiskAttributes at = a.getAttributes();
                            accounts.add(at == null ? new RiskSignals(a.getAccountId(), null, null, null, null, null, null, null)
                                    : new RiskSignals(a.getAccountId(), at.getAddressChangeCount28d(), at.getEmailChangeCount28d(),
                                    at.getPhoneChangeCount28d(), at.getFailedPlaidNonOauthAuthenticationAttemptsCount7d(),
                                    at.getDaysSinceAccountOpening(), at.getIsAccountClosed(), at.getIsAccountFrozenOrRestricted()));
                        }
                    }
                    LOG.infof("Plaid /beacon/user/account_insights/get beacon_user_id=%s item_id=%s accounts=%d (request_id=%s)",
                            beaconUserId, insightsItem, accounts.size(), r.getRequestId());
                    return new Insights(insightsItem, accounts, r.getRequestId());
                });
    }

    public Uni<PlaidUserSnapshot> review(String beaconUserId, BeaconStatus decision) {
        BeaconUserStatus status = decision == BeaconStatus.CLEARED ? BeaconUserStatus.CLEARED
                : decision == BeaconStatus.REJECTED ? BeaconUserStatus.REJECTED : BeaconUserStatus.PENDING_REVIEW;
        return gateway.call(PlaidEndpoint.BEACON_USER_REVIEW, PlaidCallContext.none(),
                        api -> api.beaconUserReview(new BeaconUserReviewRequest().beaconUserId(beaconUserId).status(status)))
                .map(r -> snapshot(r.getId(), r.getClientUserId(), r.getStatus(), r.getVersion(), r.getUpdatedAt(), r.getItemIds(),
                        r.getAuditTrail(), r.getRequestId()))
                .invoke(s -> log("/beacon/user/review", s));
    }

    public Uni<Report> createReport(String beaconUserId, FraudReportRequest report) {
        BeaconReportCreateRequest req = new BeaconReportCreateRequest().beaconUserId(beaconUserId)
                .type(BeaconReportCreateType.fromValue(report.type())).fraudDate(report.fraudDate());
        if (report.fraudAmount() != null) {
            req.fraudAmount(new FraudAmount().isoCurrencyCode(ISOCurrencyCode.USD).value(report.fraudAmount().value().doubleValue()));
        }
        return gateway.call(PlaidEndpoint.BEACON_REPORT_CREATE, PlaidCallContext.none(), api -> api.beaconReportCreate(req))
                .map(r -> new Report(r.getId(), r.getBeaconUserId(), r.getType() == null ? report.type() : r.getType().getValue(),
                        r.getFraudDate(), r.getEventDate(), amount(r.getFraudAmount()), currency(r.getFraudAmount()), r.getRequestId()))
                .invoke(r -> LOG.infof("Plaid /beacon/report/create beacon_report_id=%s beacon_user_id=%s type=%s (request_id=%s)",
                        r.id(), r.beaconUserId(), r.type(), r.requestId()));
    }

    public Uni<Report> getReport(String reportId) {
        return gateway.call(PlaidEndpoint.BEACON_REPORT_GET, PlaidCallContext.none(),
                        api -> api.beaconReportGet(new BeaconReportGetRequest().beaconReportId(reportId)))
                .map(r -> new Report(r.getId(), r.getBeaconUserId(), r.getType() == null ? "unknown" : r.getType().getValue(),
                        r.getFraudDate(), r.getEventDate(), amount(r.getFraudAmount()), currency(r.getFraudAmount()), r.getRequestId()))
                .invoke(r -> LOG.infof("Plaid /beacon/report/get beacon_report_id=%s beacon_user_id=%s (request_id=%s)",
                        r.id(), r.beaconUserId(), r.requestId()));
    }

    public Uni<Syndication> getSyndication(String syndicationId) {
        return gateway.call(PlaidEndpoint.BEACON_REPORT_SYNDICATION_GET, PlaidCallContext.none(),
                        api -> api.beaconReportSyndicationGet(new BeaconReportSyndicationGetRequest().beaconReportSyndicationId(syndicationId)))
                .map(BeaconPlaid::syndication)
                .invoke(s -> LOG.infof("Plaid /beacon/report_syndication/get beacon_report_syndication_id=%s beacon_user_id=%s (request_id=%s)",
                        s.id(), s.beaconUserId(), s.requestId()));
    }

    public Uni<Duplicate> getDuplicate(String duplicateId) {
        return gateway.call(PlaidEndpoint.BEACON_DUPLICATE_GET, PlaidCallContext.none(),
                        api -> api.beaconDuplicateGet(new BeaconDuplicateGetRequest().beaconDuplicateId(duplicateId)))
                .map(BeaconPlaid::duplicate)
                .invoke(d -> LOG.infof("Plaid /beacon/duplicate/get beacon_duplicate_id=%s users=%s,%s (request_id=%s)",
                        d.id(), d.beaconUser1Id(), d.beaconUser2Id(), d.requestId()));
    }

    // ---- mapping ----

    static Syndication syndication(BeaconReportSyndicationGetResponse r) {
        ObjectNode analysis = EventJson.mapper().createObjectNode();
        boolean confirmed = false;
        BeaconReportSyndicationAnalysis a = r.getAnalysis();
        if (a != null) {
            confirmed = put(analysis, "address", a.getAddress()) | put(analysis, "date_of_birth", a.getDateOfBirth())
                    | put(analysis, "email_address", a.getEmailAddress()) | put(analysis, "name", a.getName())
                    | put(analysis, "id_number", a.getIdNumber()) | put(analysis, "ip_address", a.getIpAddress())
                    | put(analysis, "phone_number", a.getPhoneNumber());
            var accounts = analysis.putArray("depository_accounts");
            for (BeaconSyndicatedReportDepositoryAccountMatchAnalysis d : nullSafe(a.getDepositoryAccounts())) {
                // the mask and routing number are Plaid's own partial identifiers, not the full account number
                accounts.addObject().put("account_mask", d.getAccountMask())
                        .put("match_status", d.getMatchStatus() == null ? null : d.getMatchStatus().getValue());
                confirmed |= d.getMatchStatus() == BeaconMatchSummaryCode.MATCH;
            }
        }
        var report = r.getReport();
        // a full match on some field is evidence for the reviewer; it is not Plaid's "confirmed" syndication (a
        // confirmation made in the Dashboard, which the API does not expose), so it never satisfies the review rules
        analysis.put("any_full_match", confirmed);
        return new Syndication(r.getId(), r.getBeaconUserId(), report == null ? null : report.getId(),
                report == null || report.getType() == null ? null : report.getType().getValue(),
                report == null ? null : report.getFraudDate(), analysis, false, r.getRequestId());
    }

    static Duplicate duplicate(BeaconDuplicateGetResponse r) {
        ObjectNode analysis = EventJson.mapper().createObjectNode();
        BeaconMatchSummaryAnalysis a = r.getAnalysis();
        if (a != null) {
            put(analysis, "address", a.getAddress());
            put(analysis, "date_of_birth", a.getDateOfBirth());
            put(analysis, "email_address", a.getEmailAddress());
            put(analysis, "name", a.getName());
            put(analysis, "id_number", a.getIdNumber());
            put(analysis, "ip_address", a.getIpAddress());
            put(analysis, "phone_number", a.getPhoneNumber());
        }
        return new Duplicate(r.getId(), r.getBeaconUser1() == null ? null : r.getBeaconUser1().getId(),
                r.getBeaconUser2() == null ? null : r.getBeaconUser2().getId(), analysis, r.getRequestId());
    }

    /** Puts one match code; true when it is a full match. */
    private static boolean put(ObjectNode node, String field, BeaconMatchSummaryCode code) {
        node.put(field, code == null ? null : code.getValue());
        return code == BeaconMatchSummaryCode.MATCH;
    }

    static PlaidUserSnapshot snapshot(String id, String clientUserId, BeaconUserStatus status, Integer version,
                                      OffsetDateTime updatedAt, Set<String> itemIds, BeaconAuditTrail audit, String requestId) {
        return new PlaidUserSnapshot(id, clientUserId, status == null ? null : BeaconStatus.fromWire(status.getValue()),
                version == null ? 1 : version, updatedAt == null ? null : updatedAt.toInstant(),
                itemIds == null ? List.of() : List.copyOf(itemIds),
                audit == null || audit.getSource() == null ? null : audit.getSource().getValue(), requestId);
    }

    private static void log(String endpoint, PlaidUserSnapshot s) {
        LOG.infof("Plaid %s beacon_user_id=%s status=%s version=%d (request_id=%s)", endpoint, s.beaconUserId(),
                s.status() == null ? null : s.status().wire(), s.version(), s.requestId());
    }

    static BeaconUserRequestData toRequest(UserData d) {
        BeaconUserRequestData r = new BeaconUserRequestData()
                .name(new BeaconUserName().givenName(d.name().givenName()).familyName(d.name().familyName()))
                .dateOfBirth(d.dateOfBirth()).emailAddress(d.emailAddress()).phoneNumber(d.phoneNumber()).ipAddress(d.ipAddress());
        if (d.address() != null) {
            UserData.Address a = d.address();
            r.address(new BeaconUserRequestAddress().street(a.street()).street2(a.street2()).city(a.city()).region(a.region())
                    .postalCode(a.postalCode()).country(a.country()));
        }
        if (d.idNumber() != null) {
            r.idNumber(new BeaconUserIDNumber().value(d.idNumber().value()).type(IDNumberType.fromValue(d.idNumber().type())));
        }
        if (d.depositoryAccounts() != null && !d.depositoryAccounts().isEmpty()) {
            r.depositoryAccounts(accounts(d.depositoryAccounts()));
        }
        return r;
    }

    static BeaconUserUpdateRequestData toUpdate(UserData d) {
        BeaconUserUpdateRequestData r = new BeaconUserUpdateRequestData()
                .dateOfBirth(d.dateOfBirth()).emailAddress(d.emailAddress()).phoneNumber(d.phoneNumber()).ipAddress(d.ipAddress());
        if (d.name() != null) {
            r.name(new BeaconUserNameNullable().givenName(d.name().givenName()).familyName(d.name().familyName()));
        }
        if (d.address() != null) {
            UserData.Address a = d.address();
            r.address(new BeaconUserRequestAddressNullable().street(a.street()).street2(a.street2()).city(a.city())
                    .region(a.region()).postalCode(a.postalCode()).country(a.country()));
        }
        if (d.idNumber() != null) {
            r.idNumber(new BeaconUserIDNumber().value(d.idNumber().value()).type(IDNumberType.fromValue(d.idNumber().type())));
        }
        if (d.depositoryAccounts() != null && !d.depositoryAccounts().isEmpty()) {
            r.depositoryAccounts(accounts(d.depositoryAccounts()));
        }
        return r;
    }

    private static List<BeaconUserRequestDepositoryAccount> accounts(List<UserData.DepositoryAccount> in) {
        return in.stream().map(a -> new BeaconUserRequestDepositoryAccount().accountNumber(a.accountNumber())
                .routingNumber(a.routingNumber())).toList();
    }

    private static BigDecimal amount(FraudAmount a) {
        return a == null || a.getValue() == null ? null : BigDecimal.valueOf(a.getValue()).setScale(2, java.math.RoundingMode.HALF_UP);
    }

    private static String currency(FraudAmount a) {
        return a == null || a.getIsoCurrencyCode() == null ? null : a.getIsoCurrencyCode().getValue();
    }

    /** The gateway still has its own SealedToken type; same JSON, converted field for field until they are merged. */

    private static <T> Collection<T> nullSafe(Collection<T> c) {
        return c == null ? List.of() : c;
    }

}
