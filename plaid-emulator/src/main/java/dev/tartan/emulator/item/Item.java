package dev.tartan.emulator.item;

import dev.tartan.emulator.api.PlaidException;
import dev.tartan.emulator.institution.Institution;
import dev.tartan.emulator.user.DocumentProfile;
import dev.tartan.emulator.user.Owner;
import dev.tartan.emulator.user.TestUser;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An Item in the emulator. Mutable state is changed only under the Item's monitor ({@code synchronized (item)}),
 * so concurrent calls on one Item see consistent state.
 */
public final class Item {
    private final String itemId;
    private final String accessToken;
    private final Institution institution;
    private final TestUser user;
    private final Instant createdAt;
    private final String authMethod;
    /** Manually entered (Database Insights) Items are not institution logins. */
    private final boolean manual;
    /** Whether the Item's account was seen on the Plaid network before (Identity Match works on manual Items only then). */
    private final boolean seenOnNetwork;
    private final Set<String> billedProducts = new LinkedHashSet<>();
    private final Set<String> consentedProducts = new LinkedHashSet<>();
    private final String clientUserId;
    private List<Account> accounts;
    private String webhook;
    private PlaidException error;
    private boolean removed;
    private Instant removedAt;
    private boolean exchanged;
    private Instant lastWebhookSentAt;
    private String lastWebhookCode;
    /** Uploaded statements by account id. */
    private final Map<String, UploadedDocument> documents = new ConcurrentHashMap<>();
    /**
     * Owners the institution now reports for an account, replacing the login's owners (set through the control API to
     * play a change at the bank before IDENTITY DEFAULT_UPDATE).
     */
    private final Map<String, List<Owner>> accountOwners = new ConcurrentHashMap<>();
    /** Products whose data the user did not share in Link (ACCESS_NOT_GRANTED until update mode grants them). */
    private final Set<String> withheldProducts = new LinkedHashSet<>();
    /** Products for which PRODUCT_PERMISSIONS_REQUIRED was already sent (Plaid announces a missing grant once). */
    private final Set<String> permissionWebhookSent = new LinkedHashSet<>();
    /** Data calls made with this Item's access token, oldest first (the control API shows them to tests). */
    private final List<Call> calls = new ArrayList<>();

    /** One data call on the Item: endpoint, {@code options.account_ids} asked for, Plaid request id, outcome. */
    public record Call(String endpoint, List<String> accountIds, String requestId, String errorCode, Instant at) {
    }

    /** A statement uploaded through Link's document-upload update mode, with its (pre-canned) results. */
    public record UploadedDocument(String documentId, String accountId, DocumentProfile profile, boolean riskSignals,
                                   Instant uploadedAt) {
    }

    public Item(String itemId, String accessToken, Institution institution, TestUser user, List<Account> accounts,
                List<String> products, List<String> consented, String webhook, String authMethod, boolean manual,
                boolean seenOnNetwork, String clientUserId, Instant createdAt) {
        this.itemId = itemId;
        this.accessToken = accessToken;
        this.institution = institution;
        this.user = user;
        this.accounts = List.copyOf(accounts);
        this.billedProducts.addAll(products);
        this.consentedProducts.addAll(products);
        this.consentedProducts.addAll(consented);
        this.webhook = webhook;
        this.authMethod = authMethod;
        this.manual = manual;
        this.seenOnNetwork = seenOnNetwork;
        this.clientUserId = clientUserId;
        this.createdAt = createdAt;
    }

    public String itemId() {
        return itemId;
    }

    public String accessToken() {
        return accessToken;
    }

    public Optional<Institution> institution() {
        return Optional.ofNullable(institution);
    }

    public TestUser user() {
        return user;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String authMethod() {
        return authMethod;
    }

    public boolean manual() {
        return manual;
    }

    public boolean seenOnNetwork() {
        return seenOnNetwork;
    }

    public String clientUserId() {
        return clientUserId;
    }

    public synchronized List<Account> accounts() {
        return accounts;
    }

    public synchronized void replaceAccounts(List<Account> newAccounts) {
        this.accounts = List.copyOf(newAccounts);
    }

    public synchronized List<String> billedProducts() {
        return new ArrayList<>(billedProducts);
    }

    public synchronized List<String> consentedProducts() {
        return new ArrayList<>(consentedProducts);
    }

    public synchronized boolean hasProduct(String product) {
        return billedProducts.contains(product) || consentedProducts.contains(product);
    }

    /** Using a consented product bills it, as Plaid adds products on first use; granting it in update mode too. */
    public synchronized void bill(String product) {
        billedProducts.add(product);
        consentedProducts.add(product);
        withheldProducts.remove(product);
        permissionWebhookSent.remove(product);
    }

    /** Consent collected for {@code product} (update mode with {@code additional_consented_products}): not billed yet. */
    public synchronized void grant(String product) {
        consentedProducts.add(product);
        withheldProducts.remove(product);
        permissionWebhookSent.remove(product);
    }

    /** The user did not share {@code product}'s data in Link: it is neither consented nor billed. */
    public synchronized void withhold(String product) {
        billedProducts.remove(product);
        consentedProducts.remove(product);
        withheldProducts.add(product);
    }

    public synchronized boolean withheld(String product) {
        return withheldProducts.contains(product);
    }

    public synchronized List<String> withheldProducts() {
        return new ArrayList<>(withheldProducts);
    }

    /** True the first time a missing grant of {@code product} is hit (the PRODUCT_PERMISSIONS_REQUIRED webhook is due). */
    public synchronized boolean firstPermissionMiss(String product) {
        return permissionWebhookSent.add(product);
    }

    /** The owners the institution reports for {@code accountId}: set per account, else the login's owners. */
    public List<Owner> owners(String accountId) {
        List<Owner> own = accountOwners.get(accountId);
        return own != null ? own : user.owners();
    }

    public void owners(String accountId, List<Owner> owners) {
        accountOwners.put(accountId, List.copyOf(owners));
    }

    public synchronized void recordCall(String endpoint, List<String> accountIds, String requestId, String errorCode) {
        calls.add(new Call(endpoint, List.copyOf(accountIds), requestId, errorCode, Instant.now()));
    }

    public synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    /** Replaces one account (same id) by {@code updated}. */
    public synchronized void replaceAccount(Account updated) {
        List<Account> next = new ArrayList<>();
        for (Account a : accounts) {
            next.add(a.accountId().equals(updated.accountId()) ? updated : a);
        }
        this.accounts = List.copyOf(next);
    }

    public synchronized String webhook() {
        return webhook;
    }

    public synchronized void webhook(String url) {
        this.webhook = url;
    }

    public synchronized PlaidException error() {
        return error;
    }

    public synchronized void error(PlaidException newError) {
        this.error = newError;
    }

    public synchronized boolean removed() {
        return removed;
    }

    public synchronized Instant removedAt() {
        return removedAt;
    }

    public synchronized void markRemoved(Instant at) {
        this.removed = true;
        this.removedAt = at;
    }

    public synchronized boolean exchanged() {
        return exchanged;
    }

    public synchronized void markExchanged() {
        this.exchanged = true;
    }

    public synchronized void lastWebhook(Instant sentAt, String code) {
        this.lastWebhookSentAt = sentAt;
        this.lastWebhookCode = code;
    }

    public synchronized Instant lastWebhookSentAt() {
        return lastWebhookSentAt;
    }

    public synchronized String lastWebhookCode() {
        return lastWebhookCode;
    }

    public Map<String, UploadedDocument> documents() {
        return documents;
    }

    public Optional<Account> account(String accountId) {
        return accounts().stream().filter(a -> a.accountId().equals(accountId)).findFirst();
    }
}
