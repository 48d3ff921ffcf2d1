package dev.tartan.link.token;

import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.link.LinkProblem;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinkTokenRequestValidatorTest {

    static final TokenPolicy POLICY = new TokenPolicy("Tartan", "https://hooks.tartan.test/plaid/webhooks", List.of("US"), "en",
            Set.of("https://app.tartan.test/oauth"), Set.of("dev.tartan.app"), true);
    final LinkTokenRequestValidator validator = new LinkTokenRequestValidator(POLICY);

    static Builder req(LinkFlow flow) {
        return new Builder(flow);
    }

    static final class Builder {
        LinkFlow flow;
        String user = "user-123";
        List<String> products, ris, optional, additional, countries;
        String language, customization, redirect, android, itemId, accountId;
        Map<String, AccountFilter> filters;
        Boolean accountSelection;
        List<String> parsing;
        AuthSettings auth;

        Builder(LinkFlow flow) {
            this.flow = flow;
        }

        Builder user(String u) { user = u; return this; }
        Builder products(String... p) { products = List.of(p); return this; }
        Builder ris(String... p) { ris = List.of(p); return this; }
        Builder optional(String... p) { optional = List.of(p); return this; }
        Builder additional(String... p) { additional = List.of(p); return this; }
        Builder countries(String... c) { countries = List.of(c); return this; }
        Builder language(String l) { language = l; return this; }
        Builder redirect(String r) { redirect = r; return this; }
        Builder android(String a) { android = a; return this; }
        Builder item(String i) { itemId = i; return this; }
        Builder account(String a) { accountId = a; return this; }
        Builder accountSelection(Boolean b) { accountSelection = b; return this; }
        Builder parsing(String... p) { parsing = List.of(p); return this; }
        Builder filters(Map<String, AccountFilter> f) { filters = f; return this; }
        Builder customization(String c) { customization = c; return this; }
        Builder auth(AuthSettings a) { auth = a; return this; }

        LinkTokenRequest build() {
            return new LinkTokenRequest(flow, user, products, ris, optional, additional, countries, language, filters,
                    customization, redirect, android, itemId, accountSelection, accountId, parsing, auth);
        }
    }

    static AuthSettings auth(Boolean typeSelect, Boolean sdmd, Boolean imd, Boolean dm, Boolean di) {
        return new AuthSettings(typeSelect, null, null, sdmd, imd, null, null, dm, di);
    }

    static final ItemContext ITEM = new ItemContext("item-1", "user-123", false,
            List.of(new LinkedAccount("acc-1", "Plaid Checking", "0000", "depository", "checking")), null, null, null);

    LinkProblem refused(Builder b) {
        return refused(b, null);
    }

    LinkProblem refused(Builder b, ItemContext item) {
        return assertThrows(LinkProblem.class, () -> validator.validate(b.build(), item));
    }

    void assertRefused(Builder b, String code, String field) {
        assertRefused(b, null, code, field);
    }

    void assertRefused(Builder b, ItemContext item, String code, String field) {
        LinkProblem p = refused(b, item);
        assertEquals(code, p.code(), p.getMessage());
        assertEquals(field, p.field(), p.getMessage());
    }

    @Test
    void newItemWithEverything() {
        LinkTokenSpec spec = validator.validate(req(LinkFlow.NEW_ITEM).products("transactions").ris("identity")
                .optional("liabilities").additional("investments").countries("US", "CA").language("fr")
                .filters(Map.of("depository", new AccountFilter(List.of("checking", "savings"))))
                .customization("default").redirect("https://app.tartan.test/oauth").build(), null);
        assertEquals(List.of("transactions"), spec.products());
        assertEquals(List.of("identity"), spec.requiredIfSupportedProducts());
        assertEquals(List.of("US", "CA"), spec.countryCodes());
        assertEquals("fr", spec.language());
        assertEquals("https://hooks.tartan.test/plaid/webhooks", spec.webhookUrl());
        assertEquals("Tartan", spec.clientName());
        assertEquals(List.of("checking", "savings"), spec.accountFilters().get("depository"));
        assertNull(spec.itemId());
        assertNull(spec.updateMode());
    }

    @Test
    void defaultsComeFromPolicy() {
        LinkTokenSpec spec = validator.validate(req(LinkFlow.NEW_ITEM).products("auth").build(), null);
        assertEquals(List.of("US"), spec.countryCodes());
        assertEquals("en", spec.language());
    }

    @Test
    void androidPackageInsteadOfRedirect() {
        LinkTokenSpec spec = validator.validate(req(LinkFlow.NEW_ITEM).products("auth").android("dev.tartan.app").build(), null);
        assertEquals("dev.tartan.app", spec.androidPackageName());
        assertNull(spec.redirectUri());
    }

    @Test
    void clientUserIdRules() {
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").user(null), "MISSING_FIELD", "client_user_id");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").user("  "), "MISSING_FIELD", "client_user_id");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").user("jane@example.com"), "CLIENT_USER_ID_IS_PII", "client_user_id");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").user("+1 (555) 867-5309"), "CLIENT_USER_ID_IS_PII", "client_user_id");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").user("123-45-6789"), "CLIENT_USER_ID_IS_PII", "client_user_id");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").user("x".repeat(129)), "INVALID_FIELD", "client_user_id");
    }

    @Test
    void missingFlow() {
        assertRefused(req(null).products("auth"), "MISSING_FIELD", "flow");
    }

    @Test
    void overlappingProductArrays() {
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").ris("auth"), "OVERLAPPING_PRODUCTS", "required_if_supported_products");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").optional("transactions").additional("transactions"),
                "OVERLAPPING_PRODUCTS", "additional_consented_products");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").ris("identity").optional("identity"),
                "OVERLAPPING_PRODUCTS", "optional_products");
        assertRefused(req(LinkFlow.AUTH).ris("auth"), "OVERLAPPING_PRODUCTS", "required_if_supported_products");
    }

    @Test
    void productNames() {
        assertRefused(req(LinkFlow.NEW_ITEM).products("Auth"), "UNKNOWN_PRODUCT", "products");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").optional("nope"), "UNKNOWN_PRODUCT", "optional_products");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth", "auth"), "DUPLICATE_PRODUCT", "products");
        assertRefused(req(LinkFlow.NEW_ITEM).products("balance"), "PRODUCT_NOT_INITIALIZABLE", "products");
    }

    @Test
    void emptyProductsOutsideUpdateMode() {
        assertRefused(req(LinkFlow.NEW_ITEM), "PRODUCTS_REQUIRED", "products");
        assertRefused(req(LinkFlow.NEW_ITEM).ris("identity"), "PRODUCTS_REQUIRED", "products");
    }

    @Test
    void updateMode() {
        LinkTokenSpec spec = validator.validate(req(LinkFlow.UPDATE).item("item-1").build(), ITEM);
        assertTrue(spec.products().isEmpty());
        assertFalse(spec.accountSelectionEnabled());
        assertEquals(UpdateMode.LOGIN, spec.updateMode());
        assertEquals("item-1", spec.itemId());
    }

    @Test
    void productsInUpdateMode() {
        assertRefused(req(LinkFlow.UPDATE).item("item-1").products("auth"), ITEM, "PRODUCTS_NOT_ALLOWED_IN_UPDATE_MODE", "products");
        assertRefused(req(LinkFlow.UPDATE).item("item-1").ris("identity"), ITEM, "PRODUCTS_NOT_ALLOWED_IN_UPDATE_MODE",
                "required_if_supported_products");
        assertRefused(req(LinkFlow.UPDATE).item("item-1").optional("identity"), ITEM, "PRODUCTS_NOT_ALLOWED_IN_UPDATE_MODE",
                "optional_products");
        assertRefused(req(LinkFlow.UPDATE).item("item-1").auth(auth(true, null, null, null, null)), ITEM,
                "FIELD_NOT_ALLOWED_FOR_FLOW", "auth");
    }

    @Test
    void updateModeNeedsTheUsersItem() {
        assertRefused(req(LinkFlow.UPDATE), null, "MISSING_FIELD", "item_id");
        assertRefused(req(LinkFlow.UPDATE).item("item-9"), null, "ITEM_NOT_FOUND", "item_id");
        assertRefused(req(LinkFlow.UPDATE).item("item-1").user("someone-else"), ITEM, "ITEM_NOT_FOUND", "item_id");
        ItemContext removed = new ItemContext("item-1", "user-123", true, ITEM.accounts(), null, null, null);
        assertEquals(404, refused(req(LinkFlow.UPDATE).item("item-1"), removed).status());
    }

    @Test
    void pendingRelinkTurnsOnAccountSelection() {
        ItemContext pending = new ItemContext("item-1", "user-123", false, ITEM.accounts(), UpdateMode.ACCOUNT_SELECTION, null, "r1");
        LinkTokenSpec spec = validator.validate(req(LinkFlow.UPDATE).item("item-1").build(), pending);
        assertTrue(spec.accountSelectionEnabled());
        assertEquals(UpdateMode.ACCOUNT_SELECTION, spec.updateMode());
        assertRefused(req(LinkFlow.UPDATE).item("item-1").accountSelection(false), pending, "ACCOUNT_SELECTION_REQUIRED",
                "account_selection_enabled");
        LinkTokenSpec asked = validator.validate(req(LinkFlow.UPDATE).item("item-1").accountSelection(true).build(), ITEM);
        assertTrue(asked.accountSelectionEnabled());
    }

    @Test
    void pendingProductConsentBecomesAdditionalConsentedProducts() {
        ItemContext pending = new ItemContext("item-1", "user-123", false, ITEM.accounts(), UpdateMode.PRODUCT_CONSENT,
                List.of("identity"), "r1");
        LinkTokenSpec spec = validator.validate(req(LinkFlow.UPDATE).item("item-1").build(), pending);
        assertEquals(List.of("identity"), spec.additionalConsentedProducts());
        assertEquals(UpdateMode.PRODUCT_CONSENT, spec.updateMode());
        assertTrue(spec.products().isEmpty());
    }

    @Test
    void fieldsOfOtherFlows() {
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").item("item-1"), "FIELD_NOT_ALLOWED_FOR_FLOW", "item_id");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").accountSelection(true), "FIELD_NOT_ALLOWED_FOR_FLOW",
                "account_selection_enabled");
        assertRefused(req(LinkFlow.AUTH).account("acc-1"), "FIELD_NOT_ALLOWED_FOR_FLOW", "account_id");
    }

    @Test
    void documentUpload() {
        LinkTokenSpec spec = validator.validate(req(LinkFlow.IDENTITY_DOCUMENT_UPLOAD).item("item-1").account("acc-1")
                .parsing("ocr", "risk_signals").build(), ITEM);
        assertEquals(List.of("identity"), spec.products());
        assertEquals("acc-1", spec.documentUploadAccountId());
        assertEquals(List.of("ocr", "risk_signals"), spec.parsingConfigs());
        LinkTokenSpec defaults = validator.validate(req(LinkFlow.IDENTITY_DOCUMENT_UPLOAD).item("item-1").account("acc-1").build(), ITEM);
        assertEquals(List.of("ocr"), defaults.parsingConfigs());
        assertRefused(req(LinkFlow.IDENTITY_DOCUMENT_UPLOAD).item("item-1"), ITEM, "MISSING_FIELD", "account_id");
        assertRefused(req(LinkFlow.IDENTITY_DOCUMENT_UPLOAD).item("item-1").account("acc-x"), ITEM, "UNKNOWN_ACCOUNT", "account_id");
        assertRefused(req(LinkFlow.IDENTITY_DOCUMENT_UPLOAD).item("item-1").account("acc-1").products("auth"), ITEM,
                "DOCUMENT_UPLOAD_PRODUCTS", "products");
        assertRefused(req(LinkFlow.IDENTITY_DOCUMENT_UPLOAD).item("item-1").account("acc-1").parsing("magic"), ITEM,
                "INVALID_FIELD", "parsing_configs");
    }

    @Test
    void authFlows() {
        // Database Insights (US or CA), Database Match with same-day micro-deposits, instant micro-deposits, Auth Type Select
        assertEquals(List.of("auth"), validator.validate(req(LinkFlow.AUTH).countries("CA")
                .auth(auth(true, null, null, null, true)).ris("identity").build(), null).products());
        validator.validate(req(LinkFlow.AUTH).auth(auth(null, true, null, true, null)).build(), null);
        validator.validate(req(LinkFlow.AUTH).auth(auth(null, null, true, null, null)).build(), null);
        validator.validate(req(LinkFlow.AUTH).auth(auth(true, null, null, null, null)).build(), null);
        validator.validate(req(LinkFlow.AUTH).products("transfer").auth(auth(null, null, null, null, true)).build(), null);
    }

    @Test
    void invalidAuthCombinations() {
        assertRefused(req(LinkFlow.AUTH).auth(auth(null, null, null, true, true)), "INVALID_AUTH_COMBINATION", "auth.database_match_enabled");
        assertRefused(req(LinkFlow.AUTH).auth(auth(null, true, null, null, true)), "INVALID_AUTH_COMBINATION",
                "auth.same_day_microdeposits_enabled");
        assertRefused(req(LinkFlow.AUTH).auth(auth(null, null, true, null, true)), "INVALID_AUTH_COMBINATION",
                "auth.instant_microdeposits_enabled");
        // explicitly false is fine: only explicit trues conflict
        validator.validate(req(LinkFlow.AUTH).auth(auth(null, false, false, false, true)).build(), null);
    }

    @Test
    void databaseInsightsOnlyWithAuthOrTransfer() {
        assertRefused(req(LinkFlow.AUTH).products("auth", "identity").auth(auth(null, null, null, null, true)),
                "DATABASE_INSIGHTS_PRODUCTS", "products");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth", "transactions").auth(auth(null, null, null, null, true)),
                "DATABASE_INSIGHTS_PRODUCTS", "products");
    }

    @Test
    void authObjectNeedsAuthProduct() {
        assertRefused(req(LinkFlow.NEW_ITEM).products("transactions").auth(auth(true, null, null, null, null)),
                "AUTH_SETTINGS_WITHOUT_AUTH", "auth");
        assertRefused(req(LinkFlow.AUTH).products("transactions"), "AUTH_PRODUCT_REQUIRED", "products");
        assertRefused(req(LinkFlow.AUTH).auth(new AuthSettings(null, null, null, null, null, "SOMETIMES", null, null, null)),
                "INVALID_FIELD", "auth.reroute_to_credentials");
    }

    @Test
    void countriesAFlowDoesNotSupport() {
        assertRefused(req(LinkFlow.AUTH).countries("GB").auth(auth(null, null, null, null, true)), "COUNTRY_NOT_SUPPORTED_FOR_FLOW",
                "country_codes");
        assertRefused(req(LinkFlow.AUTH).countries("US", "CA").auth(auth(null, null, null, null, true)),
                "COUNTRY_NOT_SUPPORTED_FOR_FLOW", "country_codes");
        assertRefused(req(LinkFlow.AUTH).countries("US", "CA").auth(auth(null, true, null, null, null)),
                "COUNTRY_NOT_SUPPORTED_FOR_FLOW", "country_codes");
        assertRefused(req(LinkFlow.AUTH).countries("CA").auth(auth(null, null, null, true, null)),
                "COUNTRY_NOT_SUPPORTED_FOR_FLOW", "country_codes");
        assertRefused(req(LinkFlow.BEACON).countries("GB"), "COUNTRY_NOT_SUPPORTED_FOR_FLOW", "country_codes");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").countries("XX"), "UNKNOWN_COUNTRY_CODE", "country_codes");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").language("xx"), "UNSUPPORTED_LANGUAGE", "language");
    }

    @Test
    void beacon() {
        LinkTokenSpec spec = validator.validate(req(LinkFlow.BEACON).build(), null);
        assertEquals(List.of("beacon"), spec.products());
        assertRefused(req(LinkFlow.BEACON).products("auth"), "BEACON_PRODUCT_REQUIRED", "products");
    }

    @Test
    void redirectUriRules() {
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").redirect("https://app.tartan.test/oauth?x=1"), "REDIRECT_URI_HAS_QUERY",
                "redirect_uri");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").redirect("http://app.tartan.test/oauth"), "REDIRECT_URI_NOT_HTTPS",
                "redirect_uri");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").redirect("https://evil.test/oauth"), "REDIRECT_URI_NOT_ALLOWED",
                "redirect_uri");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").redirect("not a uri"), "INVALID_REDIRECT_URI", "redirect_uri");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").redirect("https://app.tartan.test/oauth").android("dev.tartan.app"),
                "REDIRECT_URI_WITH_ANDROID_PACKAGE", "redirect_uri");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").android("com.other.app"), "ANDROID_PACKAGE_NOT_ALLOWED",
                "android_package_name");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").android("not a package"), "INVALID_FIELD", "android_package_name");
    }

    @Test
    void accountFilters() {
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").filters(Map.of("checking", new AccountFilter(List.of("all")))),
                "UNKNOWN_ACCOUNT_TYPE", "account_filters.checking");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").filters(Map.of("credit", new AccountFilter(List.of()))),
                "MISSING_FIELD", "account_filters.credit.account_subtypes");
        assertRefused(req(LinkFlow.NEW_ITEM).products("auth").customization("bad/name"), "INVALID_FIELD", "link_customization_name");
    }
}
