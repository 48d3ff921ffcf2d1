package dev.tartan.emulator.identity;

import com.plaid.client.model.AccountBase;
import com.plaid.client.model.AccountIdentityDocumentUpload;
import com.plaid.client.model.AccountIdentityMatchScore;
import com.plaid.client.model.AddressDataNullableNoRequiredFields;
import com.plaid.client.model.AuthGetRequest;
import com.plaid.client.model.AuthGetResponse;
import com.plaid.client.model.IdentityDocumentsUploadsGetRequest;
import com.plaid.client.model.IdentityGetRequest;
import com.plaid.client.model.IdentityGetResponse;
import com.plaid.client.model.IdentityMatchRequest;
import com.plaid.client.model.IdentityMatchUser;
import com.plaid.client.model.IncomeVerificationDocParsingConfig;
import com.plaid.client.model.ItemPublicTokenExchangeRequest;
import com.plaid.client.model.ItemPublicTokenExchangeResponse;
import com.plaid.client.model.LinkTokenCreateIdentity;
import com.plaid.client.model.LinkTokenCreateRequestAuth;
import com.plaid.client.model.Products;
import com.plaid.client.model.SandboxItemResetLoginRequest;
import dev.tartan.emulator.support.EmulatorTestBase;
import dev.tartan.emulator.support.WebhookReceiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.tartan.emulator.support.PlaidClientFixture.fail;
import static dev.tartan.emulator.support.PlaidClientFixture.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Identity, Identity Match, Document Upload and Auth (incl. Database Insights) through plaid-java. */
@QuarkusTest
class IdentityAndAuthApiTest extends EmulatorTestBase {

    @Test
    void identityGetReturnsAlbertasOwnerData() {
        ItemPublicTokenExchangeResponse item = newItem(null, Products.IDENTITY);
        IdentityGetResponse identity = ok(plaid.identityGet(new IdentityGetRequest()
                .accessToken(item.getAccessToken())));
        assertFalse(identity.getAccounts().isEmpty());
        var owner = identity.getAccounts().get(0).getOwners().get(0);
        assertEquals(List.of("Alberta Bobbeth Charleson"), owner.getNames());
        assertEquals("accountholder0@example.com", owner.getEmails().get(0).getData());
        assertEquals("Malakoff", owner.getAddresses().get(0).getData().getCity());
        assertEquals("14236", owner.getAddresses().get(0).getData().getPostalCode());

        ok(plaid.sandboxItemResetLogin(new SandboxItemResetLoginRequest().accessToken(item.getAccessToken())));
        var broken = fail(plaid.identityGet(new IdentityGetRequest().accessToken(item.getAccessToken())));
        assertEquals("ITEM_LOGIN_REQUIRED", broken.error().getErrorCode());
    }

    @Test
    void identityMatchScoresTheDocumentedDefaultUserAsAMatch() {
        ItemPublicTokenExchangeResponse item = newItem(null, Products.AUTH);
        AccountIdentityMatchScore exact = ok(plaid.identityMatch(new IdentityMatchRequest()
                .accessToken(item.getAccessToken())
                .user(new IdentityMatchUser().legalName("Alberta Bobbeth Charleson").phoneNumber("+1-111-222-3333")
                        .emailAddress("accountholder0@example.com")
                        .address(new AddressDataNullableNoRequiredFields().street("2992 Cameron Rd.").city("Malakoff")
                                .region("NY").postalCode("14236").country("US"))))).getAccounts().get(0);
        assertEquals(100, exact.getLegalName().getScore());
        assertEquals(100, exact.getPhoneNumber().getScore());
        assertEquals(100, exact.getEmailAddress().getScore());
        assertEquals(100, exact.getAddress().getScore());
        assertTrue(exact.getAddress().getIsPostalCodeMatch());
        assertNull(exact.getBalances().getAvailable(), "identity match returns no balances");
    }

    @Test
    void identityMatchScoresFallInTheGuideBands() {
        ItemPublicTokenExchangeResponse item = newItem(null, Products.AUTH);
        AccountIdentityMatchScore partial = ok(plaid.identityMatch(new IdentityMatchRequest()
                .accessToken(item.getAccessToken())
                .user(new IdentityMatchUser().legalName("Bertie Charlesen").phoneNumber("1112223333")
                        .emailAddress("accountholder0+shop@example.com")
                        .address(new AddressDataNullableNoRequiredFields().street("2992 Cameron Rd").city("Malakoff")
                                .region("NY").postalCode("99999"))))).getAccounts().get(0);
        int name = partial.getLegalName().getScore();
        assertTrue(name >= 70 && name <= 84, "nickname + spelling error is 70-84: " + name);
        assertTrue(partial.getLegalName().getIsNicknameMatch());
        int phone = partial.getPhoneNumber().getScore();
        assertTrue(phone >= 70 && phone <= 89, "missing country code is 70-89: " + phone);
        int email = partial.getEmailAddress().getScore();
        assertTrue(email >= 70 && email <= 99, "+tag is a partial match: " + email);
        assertFalse(partial.getAddress().getIsPostalCodeMatch());

        AccountIdentityMatchScore mismatch = ok(plaid.identityMatch(new IdentityMatchRequest()
                .accessToken(item.getAccessToken())
                .user(new IdentityMatchUser().legalName("Ray Charles").phoneNumber("+1 555 867 5309")))).getAccounts()
                .get(0);
        assertTrue(mismatch.getLegalName().getScore() < 50, "unrelated name: " + mismatch.getLegalName().getScore());
        assertFalse(mismatch.getLegalName().getIsFirstNameOrLastNameMatch());
        assertTrue(mismatch.getPhoneNumber().getScore() < 70);
        assertNull(mismatch.getEmailAddress(), "no email given: no score");

        AccountIdentityMatchScore relative = ok(plaid.identityMatch(new IdentityMatchRequest()
                .accessToken(item.getAccessToken()).user(new IdentityMatchUser().legalName("Betty Charleson"))))
                .getAccounts().get(0);
        int rel = relative.getLegalName().getScore();
        assertTrue(rel >= 50 && rel <= 69, "same last name is 50-69: " + rel);
        assertTrue(relative.getLegalName().getIsFirstNameOrLastNameMatch());
    }

    @Test
    void customUsersCarryTheirOwnOwnerData() {
        RestAssured.given().contentType(ContentType.JSON).body(Map.of("username", "custom_acme",
                        "password", "pass_acme",
                        "owners", List.of(Map.of("names", List.of("Acme Widgets LLC"),
                                "emails", List.of(Map.of("data", "ap@acme.test", "primary", true, "type", "primary")),
                                "phone_numbers", List.of(), "addresses", List.of()))))
                .post("/emulator/users").then().statusCode(200);
        String linkToken = ok(plaid.linkTokenCreate(linkTokenRequest("acme").products(List.of(Products.AUTH))))
                .getLinkToken();
        String publicToken = linkSession(Map.of("link_token", linkToken, "username", "custom_acme",
                "password", "pass_acme")).getString("public_token");
        String accessToken = ok(plaid.itemPublicTokenExchange(new ItemPublicTokenExchangeRequest()
                .publicToken(publicToken))).getAccessToken();
        AccountIdentityMatchScore score = ok(plaid.identityMatch(new IdentityMatchRequest().accessToken(accessToken)
                .user(new IdentityMatchUser().legalName("Acme Widgets LLC").emailAddress("ap@acme.test"))))
                .getAccounts().get(0);
        assertEquals(100, score.getLegalName().getScore());
        assertTrue(score.getLegalName().getIsBusinessNameDetected());
        assertEquals(100, score.getEmailAddress().getScore());
        assertNull(score.getPhoneNumber(), "no phone on file: no score");
    }

    @Test
    void authGetReturnsNumbersOfDepositoryAccounts() {
        ItemPublicTokenExchangeResponse item = newItem(null, Products.AUTH);
        AuthGetResponse auth = ok(plaid.authGet(new AuthGetRequest().accessToken(item.getAccessToken())));
        assertFalse(auth.getNumbers().getAch().isEmpty());
        assertEquals("1111222233330000", auth.getNumbers().getAch().get(0).getAccount());
        assertEquals("011401533", auth.getNumbers().getAch().get(0).getRouting());
        assertTrue(auth.getAccounts().stream().allMatch(a -> a.getType().getValue().equals("depository")));
        assertNull(auth.getAccounts().get(0).getVerificationStatus());
    }

    @Test
    void databaseInsightsStatusFollowsTheAccountNumberEntered() {
        assertEquals(AccountBase.VerificationStatusEnum.DATABASE_INSIGHTS_PASS, databaseInsights("1111222233330000"));
        assertEquals(AccountBase.VerificationStatusEnum.DATABASE_INSIGHTS_PASS_WITH_CAUTION,
                databaseInsights("987654321012"));
        assertEquals(AccountBase.VerificationStatusEnum.DATABASE_INSIGHTS_FAIL, databaseInsights("12"));
    }

    private AccountBase.VerificationStatusEnum databaseInsights(String accountNumber) {
        String linkToken = ok(plaid.linkTokenCreate(linkTokenRequest("di").products(List.of(Products.AUTH))
                .auth(new LinkTokenCreateRequestAuth().databaseInsightsEnabled(true)))).getLinkToken();
        JsonPath session = linkSession(Map.of("link_token", linkToken, "account_number", accountNumber,
                "routing_number", "011401533"));
        assertNull(session.getString("institution.institution_id"), "Database Insights has no institution");
        assertNull(ok(plaid.linkTokenGet(new com.plaid.client.model.LinkTokenGetRequest().linkToken(linkToken)))
                .getLinkSessions().get(0).getOnSuccess().getMetadata().getInstitution());
        String accessToken = ok(plaid.itemPublicTokenExchange(new ItemPublicTokenExchangeRequest()
                .publicToken(session.getString("public_token")))).getAccessToken();
        AuthGetResponse auth = ok(plaid.authGet(new AuthGetRequest().accessToken(accessToken)));
        assertEquals(accountNumber, auth.getNumbers().getAch().get(0).getAccount());
        AccountBase account = auth.getAccounts().get(0);
        assertEquals(account.getVerificationStatus() == AccountBase.VerificationStatusEnum.DATABASE_INSIGHTS_PASS,
                account.getVerificationInsights().getNetworkStatus().getHasNumbersMatch());

        // Identity Match works only on manual Items seen on the network; /identity/get never does
        var match = plaid.identityMatch(new IdentityMatchRequest().accessToken(accessToken)
                .user(new IdentityMatchUser().legalName("Alberta Charleson")));
        if (account.getVerificationStatus() == AccountBase.VerificationStatusEnum.DATABASE_INSIGHTS_PASS) {
            ok(match);
        } else {
            assertEquals("PRODUCTS_NOT_SUPPORTED", fail(match).error().getErrorCode());
        }
        assertEquals("PRODUCTS_NOT_SUPPORTED", fail(plaid.identityGet(new IdentityGetRequest()
                .accessToken(accessToken))).error().getErrorCode());
        return account.getVerificationStatus();
    }

    @Test
    void documentUploadResultsDependOnTheTestUser() throws Exception {
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            AccountIdentityDocumentUpload clean = upload(receiver, "user_good");
            assertTrue(clean.getDocuments().get(0).getMetadata().getIsAccountNumberMatch());
            assertTrue(clean.getDocuments().get(0).getRiskInsights().getRiskSummary().getRiskScore() < 80);
            assertEquals("Alberta Bobbeth Charleson", clean.getOwners().get(0).getNames().get(0));

            AccountIdentityDocumentUpload risky = upload(receiver, "user_doc_high_risk");
            assertTrue(risky.getDocuments().get(0).getRiskInsights().getRiskSummary().getRiskScore() >= 80);
            assertFalse(risky.getDocuments().get(0).getRiskInsights().getRiskSignals().isEmpty());

            AccountIdentityDocumentUpload mismatch = upload(receiver, "user_doc_mismatch");
            assertFalse(mismatch.getDocuments().get(0).getMetadata().getIsAccountNumberMatch());
        }
    }

    private AccountIdentityDocumentUpload upload(WebhookReceiver receiver, String username) throws Exception {
        String linkToken = ok(plaid.linkTokenCreate(linkTokenRequest("doc").products(List.of(Products.AUTH))
                .webhook(receiver.url()))).getLinkToken();
        String publicToken = linkSession(Map.of("link_token", linkToken, "username", username,
                "password", "pass_good")).getString("public_token");
        ItemPublicTokenExchangeResponse item = ok(plaid.itemPublicTokenExchange(new ItemPublicTokenExchangeRequest()
                .publicToken(publicToken)));
        String accountId = ok(plaid.authGet(new AuthGetRequest().accessToken(item.getAccessToken())))
                .getAccounts().get(0).getAccountId();
        String uploadToken = ok(plaid.linkTokenCreate(linkTokenRequest("doc").accessToken(item.getAccessToken())
                .products(List.of(Products.IDENTITY)).identity(new LinkTokenCreateIdentity().isDocumentUpload(true)
                        .accountIds(List.of(accountId)).parsingConfigs(List.of(IncomeVerificationDocParsingConfig.OCR,
                                IncomeVerificationDocParsingConfig.RISK_SIGNALS))))).getLinkToken();
        linkSession(Map.of("link_token", uploadToken, "username", username, "password", "pass_good"));
        WebhookReceiver.Received webhook = receiver.await(t -> t.contains("\"DOCUMENT_UPDATE_AVAILABLE\"")
                && t.contains(item.getItemId()));
        assertTrue(webhook.text().contains("\"document_status\": \"OCR_PROCESSING_COMPLETE\""));
        verify(webhook);
        var uploads = ok(plaid.identityDocumentsUploadsGet(new IdentityDocumentsUploadsGetRequest()
                .accessToken(item.getAccessToken())));
        return uploads.getAccounts().stream().filter(a -> a.getAccountId().equals(accountId)).findFirst()
                .orElseThrow();
    }

    @Test
    void documentUploadNeedsExactlyOneAccountAndAWebhook() {
        ItemPublicTokenExchangeResponse item = newItem(null, Products.AUTH);
        String accountId = ok(plaid.authGet(new AuthGetRequest().accessToken(item.getAccessToken())))
                .getAccounts().get(0).getAccountId();
        var noWebhook = fail(plaid.linkTokenCreate(linkTokenRequest("doc").accessToken(item.getAccessToken())
                .products(List.of(Products.IDENTITY)).identity(new LinkTokenCreateIdentity().isDocumentUpload(true)
                        .accountIds(List.of(accountId)))));
        assertEquals("INVALID_FIELD", noWebhook.error().getErrorCode());
        assertTrue(noWebhook.error().getErrorMessage().contains("webhook"), noWebhook.error().getErrorMessage());
        var unknownAccount = fail(plaid.linkTokenCreate(linkTokenRequest("doc").accessToken(item.getAccessToken())
                .products(List.of(Products.IDENTITY)).identity(new LinkTokenCreateIdentity().isDocumentUpload(true)
                        .accountIds(List.of("nope")))));
        assertEquals("INVALID_ACCOUNT_ID", unknownAccount.error().getErrorCode());
        var twoAccounts = fail(plaid.linkTokenCreate(linkTokenRequest("doc").accessToken(item.getAccessToken())
                .products(List.of(Products.IDENTITY)).identity(new LinkTokenCreateIdentity().isDocumentUpload(true)
                        .accountIds(List.of("a", "b")))));
        assertEquals("INVALID_FIELD", twoAccounts.error().getErrorCode());
    }
}
