package dev.tartan.emulator.item;

import dev.tartan.emulator.api.PlaidException;
import dev.tartan.emulator.institution.Institution;
import dev.tartan.emulator.user.DocumentProfile;
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

    /** Using a consented product bills it, as Plaid adds products on first use. */
    public synchronized void bill(String product) {
        billedProducts.add(product);
        consentedProducts.add(product);
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
