package dev.tartan.identity.plaid;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.plaid.client.model.AccountBase;
import com.plaid.client.model.AccountIdentity;
import com.plaid.client.model.AccountIdentityDocumentUpload;
import com.plaid.client.model.AccountIdentityMatchScore;
import com.plaid.client.model.AccountVerificationInsights;
import com.plaid.client.model.AddressDataNullableNoRequiredFields;
import com.plaid.client.model.AuthGetRequest;
import com.plaid.client.model.AuthGetRequestOptions;
import com.plaid.client.model.IdentityDocumentUpload;
import com.plaid.client.model.IdentityDocumentsUploadsGetRequest;
import com.plaid.client.model.IdentityGetRequest;
import com.plaid.client.model.IdentityMatchRequest;
import com.plaid.client.model.IdentityMatchRequestOptions;
import com.plaid.client.model.IdentityMatchUser;
import dev.tartan.contracts.EventJson;
import dev.tartan.identity.match.MatchScores;
import dev.tartan.identity.match.Owner;
import dev.tartan.identity.policy.AuthEvidence;
import dev.tartan.identity.policy.DocumentEvidence;
import dev.tartan.identity.profile.PostalAddress;
import dev.tartan.identity.profile.UserProfile;
import dev.tartan.plaid.gateway.PlaidEndpoint;
import dev.tartan.plaid.gateway.PlaidGateway;
import dev.tartan.contracts.SealedToken;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * identity-service's view of Plaid: the four endpoints it calls, through the gateway, mapped from plaid-java's
 * models to the domain's (scores, owners, document and auth evidence). Logs Plaid identifiers, never PII.
 */
@ApplicationScoped
public class PlaidIdentityClient {

    private static final Logger LOG = Logger.getLogger(PlaidIdentityClient.class);

    private final PlaidGateway gateway;

    public PlaidIdentityClient(PlaidGateway gateway) {
        this.gateway = gateway;
    }

    /** The Item to call Plaid for, with its sealed access token. */
    public record ItemRef(String itemId, SealedToken token) {
    }

    public record MatchResult(Map<String, MatchScores> scores, String requestId) {
    }

    public record OwnersResult(Map<String, List<Owner>> owners, String requestId) {
    }

    public record DocumentResult(DocumentEvidence document, List<Owner> owners) {
    }

    public record DocumentsResult(Map<String, DocumentResult> accounts, String requestId) {
    }

    public record AuthResult(Map<String, AuthEvidence> accounts, String requestId) {
    }

    public Uni<MatchResult> match(ItemRef item, UserProfile profile, List<String> accountIds) {
        IdentityMatchUser user = new IdentityMatchUser()
                .legalName(profile.legalName())
                .phoneNumber(profile.phoneNumber())
                .emailAddress(profile.emailAddress());
        if (profile.hasAddress()) {
            PostalAddress a = profile.address();
            user.address(new AddressDataNullableNoRequiredFields().street(a.street()).city(a.city()).region(a.region())
                    .postalCode(a.postalCode()).country(a.country()));
        }
        IdentityMatchRequest request = new IdentityMatchRequest().user(user);
        if (accountIds != null && !accountIds.isEmpty()) {
            request.options(new IdentityMatchRequestOptions().accountIds(accountIds));
        }
        return gateway.callWithAccessToken(PlaidEndpoint.IDENTITY_MATCH, item.itemId(), item.token(),
                        (api, token) -> api.identityMatch(request.accessToken(token)))
                .map(response -> {
                    Map<String, MatchScores> scores = new LinkedHashMap<>();
                    for (AccountIdentityMatchScore a : response.getAccounts()) {
                        scores.put(a.getAccountId(), new MatchScores(
                                a.getLegalName() == null ? null : new MatchScores.NameScore(a.getLegalName().getScore(),
                                        a.getLegalName().getIsFirstNameOrLastNameMatch(), a.getLegalName().getIsNicknameMatch(),
                                        a.getLegalName().getIsBusinessNameDetected()),
                                a.getPhoneNumber() == null ? null : new MatchScores.FieldScore(a.getPhoneNumber().getScore()),
                                a.getEmailAddress() == null ? null : new MatchScores.FieldScore(a.getEmailAddress().getScore()),
                                a.getAddress() == null ? null : new MatchScores.AddressScore(a.getAddress().getScore(),
                                        a.getAddress().getIsPostalCodeMatch())));
                    }
                    LOG.infof("identity match item_id=%s request_id=%s accounts=%s", item.itemId(), response.getRequestId(), scores.keySet());
                    return new MatchResult(scores, response.getRequestId());
                });
    }

    public Uni<OwnersResult> identityGet(ItemRef item) {
        return gateway.callWithAccessToken(PlaidEndpoint.IDENTITY_GET, item.itemId(), item.token(),
                        (api, token) -> api.identityGet(new IdentityGetRequest().accessToken(token)))
                .map(response -> {
                    Map<String, List<Owner>> owners = new LinkedHashMap<>();
                    for (AccountIdentity a : response.getAccounts()) {
                        owners.put(a.getAccountId(), owners(a.getOwners()));
                    }
                    LOG.infof("identity get item_id=%s request_id=%s accounts=%s", item.itemId(), response.getRequestId(), owners.keySet());
                    return new OwnersResult(owners, response.getRequestId());
                });
    }

    public Uni<DocumentsResult> documents(ItemRef item) {
        return gateway.callWithAccessToken(PlaidEndpoint.IDENTITY_DOCUMENTS_UPLOADS_GET, item.itemId(), item.token(),
                        (api, token) -> api.identityDocumentsUploadsGet(new IdentityDocumentsUploadsGetRequest().accessToken(token)))
                .map(response -> {
                    Map<String, DocumentResult> accounts = new LinkedHashMap<>();
                    for (AccountIdentityDocumentUpload a : response.getAccounts()) {
                        IdentityDocumentUpload latest = a.getDocuments() == null ? null : a.getDocuments().stream()
                                .max(Comparator.comparing(PlaidIdentityClient::uploadedAt)).orElse(null);
                        accounts.put(a.getAccountId(), new DocumentResult(latest == null ? null : document(latest), owners(a.getOwners())));
                    }
                    LOG.infof("identity documents item_id=%s request_id=%s accounts=%s", item.itemId(), response.getRequestId(), accounts.keySet());
                    return new DocumentsResult(accounts, response.getRequestId());
                });
    }

    public Uni<AuthResult> auth(ItemRef item) {
        return gateway.callWithAccessToken(PlaidEndpoint.AUTH_GET, item.itemId(), item.token(),
                        (api, token) -> api.authGet(new AuthGetRequest().accessToken(token).options(new AuthGetRequestOptions())))
                .map(response -> {
                    Map<String, AuthEvidence> accounts = new LinkedHashMap<>();
                    for (AccountBase a : response.getAccounts()) {
                        String status = a.getVerificationStatus() == null ? null : a.getVerificationStatus().getValue();
                        accounts.put(a.getAccountId(), new AuthEvidence(status, insights(a.getVerificationInsights())));
                    }
                    LOG.infof("auth get item_id=%s request_id=%s accounts=%s", item.itemId(), response.getRequestId(), accounts.keySet());
                    return new AuthResult(accounts, response.getRequestId());
                });
    }

    private static OffsetDateTime uploadedAt(IdentityDocumentUpload d) {
        if (d.getMetadata() == null || d.getMetadata().getUploadedAt() == null) {
            return OffsetDateTime.MIN;
        }
        return d.getMetadata().getUploadedAt();
    }

    private static DocumentEvidence document(IdentityDocumentUpload d) {
        Integer riskScore = null;
        List<DocumentEvidence.RiskSignal> signals = new ArrayList<>();
        if (d.getRiskInsights() != null) {
            if (d.getRiskInsights().getRiskSummary() != null) {
                riskScore = d.getRiskInsights().getRiskSummary().getRiskScore();
            }
            if (d.getRiskInsights().getRiskSignals() != null) {
                d.getRiskInsights().getRiskSignals().forEach(s -> signals.add(new DocumentEvidence.RiskSignal(
                        s.getType(), s.getHasFraudRisk(), s.getSignalDescription(), s.getPageNumber())));
            }
        }
        return new DocumentEvidence(d.getDocumentId(), d.getMetadata() == null ? null : d.getMetadata().getDocumentType(),
                d.getMetadata() == null ? null : d.getMetadata().getIsAccountNumberMatch(), riskScore, signals);
    }

    private static List<Owner> owners(List<com.plaid.client.model.Owner> owners) {
        List<Owner> out = new ArrayList<>();
        if (owners == null) {
            return out;
        }
        for (com.plaid.client.model.Owner o : owners) {
            out.add(new Owner(o.getNames(),
                    o.getPhoneNumbers() == null ? List.of() : o.getPhoneNumbers().stream().map(p -> p.getData()).toList(),
                    o.getEmails() == null ? List.of() : o.getEmails().stream().map(e -> e.getData()).toList(),
                    o.getAddresses() == null ? List.of() : o.getAddresses().stream().filter(a -> a.getData() != null)
                            .map(a -> new PostalAddress(a.getData().getStreet(), a.getData().getCity(), a.getData().getRegion(),
                                    a.getData().getPostalCode(), a.getData().getCountry())).toList()));
        }
        return out;
    }

    private static ObjectNode insights(AccountVerificationInsights i) {
        if (i == null) {
            return null;
        }
        ObjectNode node = EventJson.mapper().createObjectNode();
        if (i.getNetworkStatus() != null) {
            ObjectNode ns = node.putObject("network_status");
            ns.put("has_numbers_match", i.getNetworkStatus().getHasNumbersMatch());
            ns.put("is_numbers_match_verified", i.getNetworkStatus().getIsNumbersMatchVerified());
        }
        if (i.getPreviousReturns() != null) {
            node.putObject("previous_returns").put("has_previous_administrative_return",
                    i.getPreviousReturns().getHasPreviousAdministrativeReturn());
        }
        if (i.getAccountNumberFormat() != null) {
            node.put("account_number_format", i.getAccountNumberFormat().getValue());
        }
        if (i.getNameMatchScore() != null) {
            node.put("name_match_score", i.getNameMatchScore());
        }
        return node;
    }
}
