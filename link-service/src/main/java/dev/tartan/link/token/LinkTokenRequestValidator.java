package dev.tartan.link.token;

import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.link.LinkProblem;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Refuses, before Plaid does, every Link token request Plaid would refuse (and a few it would accept but
 * that are always a mistake), naming the field at fault; turns the rest into a complete {@link LinkTokenSpec}.
 * Pure: no I/O. Rules are from REFERENCE 3.1 and the Auth, Identity, Document Upload and Beacon guides.
 */
public final class LinkTokenRequestValidator {

    /** Plaid's limit for {@code client_user_id} is unstated; 128 fits UUIDs and typical database ids. */
    static final int MAX_CLIENT_USER_ID = 128;
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");
    /** Digits with phone punctuation only, 7+ digits: a phone number (or an SSN) is PII, not an id. */
    private static final Pattern PHONE_LIKE = Pattern.compile("^\\+?[0-9 ().\\-]{7,}$");
    private static final Pattern SSN = Pattern.compile("^\\d{3}-\\d{2}-\\d{4}$");
    private static final Pattern ANDROID_PACKAGE = Pattern.compile("^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)+$");
    private static final Pattern CUSTOMIZATION = Pattern.compile("^[A-Za-z0-9_\\- ]{1,100}$");
    private static final Set<String> LOCAL_HOSTS = Set.of("localhost", "127.0.0.1", "[::1]");

    private final TokenPolicy policy;

    public LinkTokenRequestValidator(TokenPolicy policy) {
        this.policy = policy;
    }

    /**
     * @param item what is known about {@code request.itemId()} (null when no Item was named or it is unknown)
     * @throws LinkProblem 400 naming the field, or 404 when the named Item is not this user's
     */
    public LinkTokenSpec validate(LinkTokenRequest request, ItemContext item) {
        if (request == null) {
            throw LinkProblem.invalid("MISSING_BODY", null, "a JSON body is required");
        }
        LinkFlow flow = request.flow();
        if (flow == null) {
            throw LinkProblem.invalid("MISSING_FIELD", "flow",
                    "flow is required: one of NEW_ITEM, AUTH, BEACON, UPDATE, IDENTITY_DOCUMENT_UPLOAD");
        }
        String user = checkClientUserId(request.clientUserId());

        List<String> products = productList("products", request.products());
        List<String> requiredIfSupported = productList("required_if_supported_products", request.requiredIfSupportedProducts());
        List<String> optional = productList("optional_products", request.optionalProducts());
        List<String> additional = productList("additional_consented_products", request.additionalConsentedProducts());
        checkNoOverlap(products, requiredIfSupported, optional, additional);

        String language = checkLanguage(request.language());
        List<String> countries = checkCountries(request.countryCodes());
        Map<String, List<String>> filters = checkAccountFilters(request.accountFilters());
        String customization = checkCustomization(request.linkCustomizationName());
        checkOAuth(request.redirectUri(), request.androidPackageName());

        if (!flow.needsExistingItem()) {
            notAllowed(flow, "item_id", request.itemId() != null);
            notAllowed(flow, "account_selection_enabled", request.accountSelectionEnabled() != null);
            notAllowed(flow, "account_id", request.accountId() != null);
            notAllowed(flow, "parsing_configs", request.parsingConfigs() != null && !request.parsingConfigs().isEmpty());
        }

        boolean accountSelection = false;
        UpdateMode updateMode = null;
        String docAccount = null;
        List<String> parsing = List.of();
        AuthSettings auth = request.auth();

        switch (flow) {
            case NEW_ITEM -> {
                if (products.isEmpty()) {
                    throw LinkProblem.invalid("PRODUCTS_REQUIRED", "products",
                            "products must name at least one product outside update mode (required_if_supported_products, "
                                    + "optional_products and additional_consented_products do not count)");
                }
            }
            case AUTH -> {
                if (products.isEmpty()) {
                    products = List.of("auth");
                    checkNoOverlap(products, requiredIfSupported, optional, additional);
                }
                if (!products.contains("auth") && !products.contains("transfer")) {
                    throw LinkProblem.invalid("AUTH_PRODUCT_REQUIRED", "products",
                            "an AUTH flow needs auth (or transfer) in products");
                }
            }
            case BEACON -> {
                if (products.isEmpty()) {
                    products = List.of("beacon");
                    checkNoOverlap(products, requiredIfSupported, optional, additional);
                }
                if (!products.contains("beacon")) {
                    throw LinkProblem.invalid("BEACON_PRODUCT_REQUIRED", "products", "a BEACON flow needs beacon in products");
                }
                countriesOnly(countries, Set.of("US"), "Beacon is available in the US only");
            }
            case UPDATE -> {
                noProductsInUpdateMode("products", products);
                noProductsInUpdateMode("required_if_supported_products", requiredIfSupported);
                noProductsInUpdateMode("optional_products", optional);
                notAllowed(flow, "auth", auth != null);
                notAllowed(flow, "account_id", request.accountId() != null);
                notAllowed(flow, "parsing_configs", request.parsingConfigs() != null && !request.parsingConfigs().isEmpty());
                ItemContext ctx = requireItem(request.itemId(), user, item);
                updateMode = ctx.pendingMode() != null ? ctx.pendingMode() : UpdateMode.LOGIN;
                accountSelection = Boolean.TRUE.equals(request.accountSelectionEnabled())
                        || ctx.pendingMode() == UpdateMode.ACCOUNT_SELECTION;
                if (Boolean.FALSE.equals(request.accountSelectionEnabled()) && ctx.pendingMode() == UpdateMode.ACCOUNT_SELECTION) {
                    throw LinkProblem.invalid("ACCOUNT_SELECTION_REQUIRED", "account_selection_enabled",
                            "the pending re-link of item " + ctx.itemId() + " asks for account selection");
                }
                if (accountSelection && updateMode == UpdateMode.LOGIN) {
                    updateMode = UpdateMode.ACCOUNT_SELECTION;
                }
                if (additional.isEmpty() && ctx.pendingMode() == UpdateMode.PRODUCT_CONSENT && ctx.pendingProducts() != null) {
                    additional = productList("additional_consented_products", ctx.pendingProducts());
                }
                if (!additional.isEmpty()) {
                    updateMode = UpdateMode.PRODUCT_CONSENT;
                }
            }
            case IDENTITY_DOCUMENT_UPLOAD -> {
                if (!products.isEmpty() && !products.equals(List.of("identity"))) {
                    throw LinkProblem.invalid("DOCUMENT_UPLOAD_PRODUCTS", "products",
                            "Identity Document Upload runs with products [\"identity\"] only (leave products out)");
                }
                noProductsInUpdateMode("required_if_supported_products", requiredIfSupported);
                noProductsInUpdateMode("optional_products", optional);
                noProductsInUpdateMode("additional_consented_products", additional);
                notAllowed(flow, "auth", auth != null);
                notAllowed(flow, "account_selection_enabled", request.accountSelectionEnabled() != null);
                products = List.of("identity");
                if (blank(request.accountId())) {
                    throw LinkProblem.invalid("MISSING_FIELD", "account_id",
                            "account_id is required: the one account whose bank statement the user uploads");
                }
                ItemContext ctx = requireItem(request.itemId(), user, item);
                if (ctx.accounts() == null || ctx.accounts().stream().noneMatch(a -> request.accountId().equals(a.accountId()))) {
                    throw LinkProblem.invalid("UNKNOWN_ACCOUNT", "account_id",
                            "account " + request.accountId() + " is not an account of item " + ctx.itemId());
                }
                docAccount = request.accountId();
                parsing = checkParsingConfigs(request.parsingConfigs());
            }
        }

        if (auth != null) {
            checkAuth(auth, products, countries);
        }

        return new LinkTokenSpec(flow, user, policy.clientName(), policy.webhookUrl(), products, requiredIfSupported,
                optional, additional, countries, language, filters, customization, emptyToNull(request.redirectUri()),
                emptyToNull(request.androidPackageName()), flow.needsExistingItem() ? request.itemId() : null,
                accountSelection, docAccount, parsing, auth, updateMode);
    }

    private String checkClientUserId(String id) {
        if (blank(id)) {
            throw LinkProblem.invalid("MISSING_FIELD", "client_user_id",
                    "client_user_id is required: the app's stable id for the user");
        }
        if (id.length() > MAX_CLIENT_USER_ID) {
            throw LinkProblem.invalid("INVALID_FIELD", "client_user_id",
                    "client_user_id is longer than " + MAX_CLIENT_USER_ID + " characters");
        }
        if (!id.equals(id.strip())) {
            throw LinkProblem.invalid("INVALID_FIELD", "client_user_id", "client_user_id has leading or trailing spaces");
        }
        if (EMAIL.matcher(id).matches() || PHONE_LIKE.matcher(id).matches() || SSN.matcher(id).matches()) {
            throw LinkProblem.invalid("CLIENT_USER_ID_IS_PII", "client_user_id",
                    "client_user_id looks like an email address, phone number or SSN; use an opaque, stable id (no PII)");
        }
        return id;
    }

    private static List<String> productList(String field, List<String> raw) {
        if (raw == null || raw.isEmpty()) {
            return List.of();
        }
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (String p : raw) {
            if (blank(p) || !PlaidCatalog.PRODUCTS.contains(p)) {
                throw LinkProblem.invalid("UNKNOWN_PRODUCT", field, "unknown product '" + p + "' in " + field);
            }
            if (!seen.add(p)) {
                throw LinkProblem.invalid("DUPLICATE_PRODUCT", field, "product '" + p + "' appears twice in " + field);
            }
        }
        if (field.equals("products")) {
            for (String p : seen) {
                if (PlaidCatalog.NOT_INITIAL.contains(p)) {
                    throw LinkProblem.invalid("PRODUCT_NOT_INITIALIZABLE", field,
                            "'" + p + "' cannot initialize Link (it needs an existing Item); leave it out of products");
                }
            }
        }
        return List.copyOf(seen);
    }

    /** Plaid refuses a product named in two of the four arrays. */
    private static void checkNoOverlap(List<String> products, List<String> requiredIfSupported, List<String> optional,
                                       List<String> additional) {
        Map<String, List<String>> arrays = new LinkedHashMap<>();
        arrays.put("products", products);
        arrays.put("required_if_supported_products", requiredIfSupported);
        arrays.put("optional_products", optional);
        arrays.put("additional_consented_products", additional);
        Map<String, String> owner = new LinkedHashMap<>();
        for (var e : arrays.entrySet()) {
            for (String p : e.getValue()) {
                String first = owner.putIfAbsent(p, e.getKey());
                if (first != null) {
                    throw LinkProblem.invalid("OVERLAPPING_PRODUCTS", e.getKey(),
                            "product '" + p + "' is in both " + first + " and " + e.getKey() + "; a product may be in one array only");
                }
            }
        }
    }

    private String checkLanguage(String language) {
        String l = blank(language) ? policy.defaultLanguage() : language;
        if (!PlaidCatalog.LANGUAGES.contains(l)) {
            throw LinkProblem.invalid("UNSUPPORTED_LANGUAGE", "language",
                    "language '" + l + "' is not one Link supports " + new java.util.TreeSet<>(PlaidCatalog.LANGUAGES));
        }
        return l;
    }

    private List<String> checkCountries(List<String> raw) {
        List<String> codes = raw == null || raw.isEmpty() ? policy.defaultCountryCodes() : raw;
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (String c : codes) {
            if (c == null || !PlaidCatalog.COUNTRY_CODES.contains(c)) {
                throw LinkProblem.invalid("UNKNOWN_COUNTRY_CODE", "country_codes",
                        "country code '" + c + "' is not one Plaid supports " + new java.util.TreeSet<>(PlaidCatalog.COUNTRY_CODES));
            }
            out.add(c);
        }
        return List.copyOf(out);
    }

    private static void countriesOnly(List<String> countries, Set<String> allowed, String why) {
        for (String c : countries) {
            if (!allowed.contains(c)) {
                throw LinkProblem.invalid("COUNTRY_NOT_SUPPORTED_FOR_FLOW", "country_codes",
                        why + ": country_codes must be within " + new java.util.TreeSet<>(allowed) + ", got " + countries);
            }
        }
    }

    private static Map<String, List<String>> checkAccountFilters(Map<String, AccountFilter> raw) {
        if (raw == null || raw.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (var e : raw.entrySet()) {
            String type = e.getKey();
            if (!PlaidCatalog.ACCOUNT_FILTER_TYPES.contains(type)) {
                throw LinkProblem.invalid("UNKNOWN_ACCOUNT_TYPE", "account_filters." + type,
                        "account_filters has unknown account type '" + type + "'; use " + new java.util.TreeSet<>(PlaidCatalog.ACCOUNT_FILTER_TYPES));
            }
            AccountFilter f = e.getValue();
            if (f == null || f.accountSubtypes() == null || f.accountSubtypes().isEmpty()
                    || f.accountSubtypes().stream().anyMatch(LinkTokenRequestValidator::blank)) {
                throw LinkProblem.invalid("MISSING_FIELD", "account_filters." + type + ".account_subtypes",
                        "account_filters." + type + " needs a non-empty account_subtypes list (\"all\" for every subtype)");
            }
            out.put(type, List.copyOf(f.accountSubtypes()));
        }
        return out;
    }

    private static String checkCustomization(String name) {
        if (name == null) {
            return null;
        }
        if (!CUSTOMIZATION.matcher(name).matches()) {
            throw LinkProblem.invalid("INVALID_FIELD", "link_customization_name",
                    "link_customization_name must be the name of a Dashboard customization (letters, digits, '-', '_', space)");
        }
        return name;
    }

    private void checkOAuth(String redirectUri, String androidPackage) {
        boolean hasRedirect = !blank(redirectUri);
        boolean hasAndroid = !blank(androidPackage);
        if (hasRedirect && hasAndroid) {
            throw LinkProblem.invalid("REDIRECT_URI_WITH_ANDROID_PACKAGE", "redirect_uri",
                    "redirect_uri must be blank when android_package_name is set (Android apps return from OAuth by package name)");
        }
        if (hasRedirect) {
            URI uri;
            try {
                uri = new URI(redirectUri);
            } catch (URISyntaxException e) {
                throw LinkProblem.invalid("INVALID_REDIRECT_URI", "redirect_uri", "redirect_uri is not a URI: " + e.getMessage());
            }
            if (!uri.isAbsolute() || uri.getHost() == null) {
                throw LinkProblem.invalid("INVALID_REDIRECT_URI", "redirect_uri", "redirect_uri must be an absolute http(s) URI");
            }
            if (uri.getRawQuery() != null || redirectUri.contains("?")) {
                throw LinkProblem.invalid("REDIRECT_URI_HAS_QUERY", "redirect_uri",
                        "redirect_uri must not contain a query string: Plaid appends the OAuth state to it");
            }
            if (uri.getRawFragment() != null) {
                throw LinkProblem.invalid("INVALID_REDIRECT_URI", "redirect_uri", "redirect_uri must not contain a fragment");
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            boolean local = LOCAL_HOSTS.contains(uri.getHost().toLowerCase(Locale.ROOT));
            if (!scheme.equals("https") && !(scheme.equals("http") && (local || !policy.requireHttpsRedirect()))) {
                throw LinkProblem.invalid("REDIRECT_URI_NOT_HTTPS", "redirect_uri", "redirect_uri must use https");
            }
            if (!policy.redirectUris().contains(redirectUri)) {
                throw LinkProblem.invalid("REDIRECT_URI_NOT_ALLOWED", "redirect_uri",
                        "redirect_uri is not one of the URIs registered for this app (tartan.link.redirect-uris)");
            }
        }
        if (hasAndroid) {
            if (!ANDROID_PACKAGE.matcher(androidPackage).matches()) {
                throw LinkProblem.invalid("INVALID_FIELD", "android_package_name",
                        "android_package_name must be a Java package name such as com.example.app");
            }
            if (!policy.androidPackageNames().contains(androidPackage)) {
                throw LinkProblem.invalid("ANDROID_PACKAGE_NOT_ALLOWED", "android_package_name",
                        "android_package_name is not one registered for this app (tartan.link.android-package-names)");
            }
        }
    }

    private static void checkAuth(AuthSettings auth, List<String> products, List<String> countries) {
        if (!products.contains("auth") && !products.contains("transfer")) {
            throw LinkProblem.invalid("AUTH_SETTINGS_WITHOUT_AUTH", "auth",
                    "the auth object configures Auth flows: products must contain auth (or transfer)");
        }
        if (auth.rerouteToCredentials() != null && !PlaidCatalog.REROUTE_TO_CREDENTIALS.contains(auth.rerouteToCredentials())) {
            throw LinkProblem.invalid("INVALID_FIELD", "auth.reroute_to_credentials",
                    "auth.reroute_to_credentials must be OFF, OPTIONAL or FORCED");
        }
        if (auth.databaseInsights()) {
            conflict(auth.databaseMatchEnabled(), "auth.database_match_enabled", "Database Match");
            conflict(auth.sameDayMicrodepositsEnabled(), "auth.same_day_microdeposits_enabled", "Same-Day Micro-deposits");
            conflict(auth.instantMicrodepositsEnabled(), "auth.instant_microdeposits_enabled", "Instant Micro-deposits");
            for (String p : products) {
                if (!PlaidCatalog.DATABASE_INSIGHTS_PRODUCTS.contains(p)) {
                    throw LinkProblem.invalid("DATABASE_INSIGHTS_PRODUCTS", "products",
                            "with Database Insights, products may contain only auth or transfer (found '" + p + "'); add Identity Match "
                                    + "or Signal through required_if_supported_products, optional_products or additional_consented_products");
                }
            }
            if (!countries.equals(List.of("US")) && !countries.equals(List.of("CA"))) {
                throw LinkProblem.invalid("COUNTRY_NOT_SUPPORTED_FOR_FLOW", "country_codes",
                        "Database Insights needs country_codes [\"US\"] or [\"CA\"] (one of them), got " + countries);
            }
        }
        if (auth.usOnlyFlowEnabled()) {
            countriesOnly(countries, Set.of("US"),
                    "micro-deposit, Instant Match and Database Match flows are available in the US only");
        }
    }

    private static void conflict(Boolean explicit, String field, String flowName) {
        if (Boolean.TRUE.equals(explicit)) {
            throw LinkProblem.invalid("INVALID_AUTH_COMBINATION", field,
                    "Database Insights cannot run in the same session as " + flowName + "; Plaid refuses both explicitly enabled");
        }
    }

    private static List<String> checkParsingConfigs(List<String> raw) {
        if (raw == null || raw.isEmpty()) {
            return List.of("ocr");
        }
        List<String> out = new ArrayList<>();
        for (String p : raw) {
            if (!PlaidCatalog.PARSING_CONFIGS.contains(p)) {
                throw LinkProblem.invalid("INVALID_FIELD", "parsing_configs", "parsing_configs accepts ocr and risk_signals, not '" + p + "'");
            }
            if (!out.contains(p)) {
                out.add(p);
            }
        }
        return List.copyOf(out);
    }

    private static ItemContext requireItem(String itemId, String user, ItemContext item) {
        if (blank(itemId)) {
            throw LinkProblem.invalid("MISSING_FIELD", "item_id", "item_id is required: the Item to open Link for");
        }
        if (item == null || item.removed() || !itemId.equals(item.itemId()) || !user.equals(item.clientUserId())) {
            throw LinkProblem.notFound("ITEM_NOT_FOUND", "item_id", "item " + itemId + " is not a linked Item of this user");
        }
        return item;
    }

    private static void noProductsInUpdateMode(String field, List<String> list) {
        if (!list.isEmpty()) {
            throw LinkProblem.invalid("PRODUCTS_NOT_ALLOWED_IN_UPDATE_MODE", field,
                    field + " must be empty in update mode (the Item keeps its products; collect consent for new ones "
                            + "with additional_consented_products)");
        }
    }

    private static void notAllowed(LinkFlow flow, String field, boolean present) {
        if (present) {
            throw LinkProblem.invalid("FIELD_NOT_ALLOWED_FOR_FLOW", field, field + " has no meaning for a " + flow + " token");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String emptyToNull(String s) {
        return blank(s) ? null : s;
    }
}
