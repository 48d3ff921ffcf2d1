package dev.tartan.emulator.beacon;

import com.plaid.client.model.BeaconDuplicateGetRequest;
import com.plaid.client.model.BeaconDuplicateGetResponse;
import com.plaid.client.model.BeaconReportCreateRequest;
import com.plaid.client.model.BeaconReportCreateResponse;
import com.plaid.client.model.BeaconReportCreateType;
import com.plaid.client.model.BeaconReportGetRequest;
import com.plaid.client.model.BeaconReportSyndicationGetRequest;
import com.plaid.client.model.BeaconReportSyndicationGetResponse;
import com.plaid.client.model.BeaconUserAccountInsightsGetRequest;
import com.plaid.client.model.BeaconUserAccountInsightsGetResponse;
import com.plaid.client.model.BeaconUserCreateRequest;
import com.plaid.client.model.BeaconUserCreateResponse;
import com.plaid.client.model.BeaconUserGetRequest;
import com.plaid.client.model.BeaconUserIDNumber;
import com.plaid.client.model.BeaconUserName;
import com.plaid.client.model.BeaconUserRequestAddress;
import com.plaid.client.model.BeaconUserRequestData;
import com.plaid.client.model.BeaconUserReviewRequest;
import com.plaid.client.model.BeaconUserStatus;
import com.plaid.client.model.BeaconUserUpdateRequest;
import com.plaid.client.model.BeaconUserUpdateRequestData;
import com.plaid.client.model.IDNumberType;
import com.plaid.client.model.Products;
import dev.tartan.emulator.support.EmulatorTestBase;
import dev.tartan.emulator.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.tartan.emulator.support.PlaidClientFixture.fail;
import static dev.tartan.emulator.support.PlaidClientFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Beacon through plaid-java: the Sandbox behaviours of the Beacon guide and Plaid's review rules. */
@QuarkusTest
class BeaconApiTest extends EmulatorTestBase {
    private static final String PROGRAM = "becprg_11111111111111";
    private WebhookReceiver receiver;

    @BeforeEach
    void beaconWebhooksToAReceiver() throws Exception {
        receiver = new WebhookReceiver();
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("url", receiver.url()))
                .post("/emulator/webhooks/default-url").then().statusCode(200);
    }

    @AfterEach
    void closeReceiver() {
        receiver.close();
    }

    private BeaconUserRequestData person(String given, String family) {
        String unique = UUID.randomUUID().toString().substring(0, 8);
        return new BeaconUserRequestData().name(new BeaconUserName().givenName(given).familyName(family))
                .dateOfBirth(LocalDate.of(1980, 5, 17))
                .address(new BeaconUserRequestAddress().street(unique + " Elm St").city("Springfield").region("IL")
                        .postalCode("62701").country("US"))
                .emailAddress(unique + "@example.com").phoneNumber("+1312555" + String.format("%04d",
                        Math.abs(unique.hashCode()) % 10000))
                .idNumber(new BeaconUserIDNumber().value(String.valueOf(100_000_000L + Math.abs(unique.hashCode())))
                        .type(IDNumberType.US_SSN));
    }

    private BeaconUserCreateResponse create(BeaconUserRequestData data) {
        return ok(plaid.beaconUserCreate(new BeaconUserCreateRequest().programId(PROGRAM)
                .clientUserId("client-" + UUID.randomUUID()).user(data)));
    }

    @Test
    void newUsersAreClearedAndLeslieKnopeIsAHit() {
        BeaconUserCreateResponse ann = create(person("Ann", "Perkins"));
        assertTrue(ann.getId().matches("becusr_[A-Za-z0-9]{14}"), ann.getId());
        assertEquals(BeaconUserStatus.CLEARED, ann.getStatus());
        assertEquals(1, ann.getVersion());

        BeaconUserCreateResponse leslie = create(person("Leslie", "Knope"));
        assertEquals(BeaconUserStatus.PENDING_REVIEW, leslie.getStatus());
        WebhookReceiver.Received syndicated = receiver.await("BEACON", "REPORT_SYNDICATION_CREATED");
        String syndicationId = syndicated.text().replaceAll("(?s).*\"beacon_report_syndication_id\": \"([^\"]+)\".*",
                "$1");
        assertTrue(syndicationId.startsWith("becrsn_"), syndicationId);
        BeaconReportSyndicationGetResponse s = ok(plaid.beaconReportSyndicationGet(
                new BeaconReportSyndicationGetRequest().beaconReportSyndicationId(syndicationId)));
        assertEquals(leslie.getId(), s.getBeaconUserId());
        assertEquals("match", s.getAnalysis().getName().getValue());

        assertEquals(BeaconUserStatus.PENDING_REVIEW, ok(plaid.beaconUserGet(new BeaconUserGetRequest()
                .beaconUserId(leslie.getId()))).getStatus());
    }

    @Test
    void firstPartyReportThenRescreenRejects() throws Exception {
        BeaconUserCreateResponse user = create(person("Tom", "Haverford"));
        assertEquals(BeaconUserStatus.CLEARED, user.getStatus());
        BeaconReportCreateResponse report = ok(plaid.beaconReportCreate(new BeaconReportCreateRequest()
                .beaconUserId(user.getId()).type(BeaconReportCreateType.FIRST_PARTY)
                .fraudDate(LocalDate.of(2026, 1, 5))));
        assertTrue(report.getId().startsWith("becrpt_"));
        verify(receiver.await(t -> t.contains("\"REPORT_CREATED\"") && t.contains(report.getId())));
        assertEquals(BeaconReportCreateType.FIRST_PARTY.getValue(), ok(plaid.beaconReportGet(
                new BeaconReportGetRequest().beaconReportId(report.getId()))).getType().getValue());

        var rescreened = ok(plaid.beaconUserUpdate(new BeaconUserUpdateRequest().beaconUserId(user.getId())
                .user(new BeaconUserUpdateRequestData().ipAddress("203.0.113.9"))));
        assertEquals(BeaconUserStatus.REJECTED, rescreened.getStatus());
        assertEquals(2, rescreened.getVersion());
        verify(receiver.await(t -> t.contains("\"USER_STATUS_UPDATED\"") && t.contains(user.getId())));
    }

    @Test
    void reviewFollowsPlaidsRules() {
        BeaconUserCreateResponse user = create(person("April", "Ludgate"));
        var noReport = fail(plaid.beaconUserReview(new BeaconUserReviewRequest().beaconUserId(user.getId())
                .status(BeaconUserStatus.REJECTED)));
        assertEquals(400, noReport.status());
        ok(plaid.beaconUserReview(new BeaconUserReviewRequest().beaconUserId(user.getId())
                .status(BeaconUserStatus.PENDING_REVIEW)));

        ok(plaid.beaconReportCreate(new BeaconReportCreateRequest().beaconUserId(user.getId())
                .type(BeaconReportCreateType.STOLEN).fraudDate(LocalDate.of(2026, 2, 1))));
        var cannotClear = fail(plaid.beaconUserReview(new BeaconUserReviewRequest().beaconUserId(user.getId())
                .status(BeaconUserStatus.CLEARED)));
        assertEquals("INVALID_FIELD", cannotClear.error().getErrorCode());
        assertEquals(BeaconUserStatus.REJECTED, ok(plaid.beaconUserReview(new BeaconUserReviewRequest()
                .beaconUserId(user.getId()).status(BeaconUserStatus.REJECTED))).getStatus());

        var unknown = fail(plaid.beaconUserGet(new BeaconUserGetRequest().beaconUserId("becusr_nope")));
        assertEquals(400, unknown.status());
    }

    @Test
    void usersSharingIdentifyingDataAreDuplicates() {
        BeaconUserRequestData data = person("Ben", "Wyatt");
        BeaconUserCreateResponse first = create(data);
        BeaconUserCreateResponse second = create(data.emailAddress("other-" + UUID.randomUUID() + "@example.com"));
        assertEquals(BeaconUserStatus.CLEARED, first.getStatus());
        assertEquals(BeaconUserStatus.PENDING_REVIEW, second.getStatus());
        String duplicateId = receiver.await("BEACON", "DUPLICATE_DETECTED").text()
                .replaceAll("(?s).*\"beacon_duplicate_id\": \"([^\"]+)\".*", "$1");
        BeaconDuplicateGetResponse duplicate = ok(plaid.beaconDuplicateGet(new BeaconDuplicateGetRequest()
                .beaconDuplicateId(duplicateId)));
        assertEquals(first.getId(), duplicate.getBeaconUser1().getId());
        assertEquals(second.getId(), duplicate.getBeaconUser2().getId());
        assertEquals("match", duplicate.getAnalysis().getIdNumber().getValue());
        assertEquals("no_match", duplicate.getAnalysis().getEmailAddress().getValue());
    }

    @Test
    void accountInsightsNeedAnAssociatedItem() {
        var item = newItem(null, Products.AUTH);
        BeaconUserCreateResponse user = create(person("Donna", "Meagle"));
        var notLinked = fail(plaid.beaconUserAccountInsightsGet(new BeaconUserAccountInsightsGetRequest()
                .beaconUserId(user.getId()).accessToken(item.getAccessToken())));
        assertEquals("INVALID_FIELD", notLinked.error().getErrorCode());

        var updated = ok(plaid.beaconUserUpdate(new BeaconUserUpdateRequest().beaconUserId(user.getId())
                .accessTokens(List.of(item.getAccessToken()))));
        assertEquals(List.of(item.getItemId()), List.copyOf(updated.getItemIds()));
        BeaconUserAccountInsightsGetResponse insights = ok(plaid.beaconUserAccountInsightsGet(
                new BeaconUserAccountInsightsGetRequest().beaconUserId(user.getId())
                        .accessToken(item.getAccessToken())));
        assertEquals(item.getItemId(), insights.getBankAccountInsights().getItemId());
        assertTrue(!insights.getBankAccountInsights().getAccounts().isEmpty());
    }

    @Test
    void controlApiFiresBeaconWebhooksForKnownIds() throws Exception {
        BeaconUserCreateResponse user = create(person("Chris", "Traeger"));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("webhook_type", "BEACON",
                        "webhook_code", "USER_STATUS_UPDATED", "beacon_user_id", user.getId()))
                .post("/emulator/webhooks/fire").then().statusCode(200);
        verify(receiver.await(t -> t.contains("\"USER_STATUS_UPDATED\"") && t.contains(user.getId())));
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("webhook_code", "USER_STATUS_UPDATED",
                "beacon_user_id", "becusr_unknown")).post("/emulator/webhooks/fire").then().statusCode(404);
    }

}
