package dev.tartan.link.token;

/** What a Link token is for. Stored with every token issued ({@code link_token.purpose}). */
public enum LinkFlow {
    /** A new Item: products, optional/required-if-supported/additional-consented products, filters, OAuth. */
    NEW_ITEM,
    /**
     * A new Item through an Auth flow: Database Insights, Database Match, same-day, instant or automated
     * micro-deposits, Auth Type Select ({@code auth} object). {@code products} defaults to {@code ["auth"]}.
     */
    AUTH,
    /** Beacon Account Insights: a new Item with {@code beacon} in products (US only). */
    BEACON,
    /** Update mode for an existing Item: no products; account selection or product consent when the re-link asks. */
    UPDATE,
    /** Identity Document Upload for one account of an existing Item (update mode with {@code products: ["identity"]}). */
    IDENTITY_DOCUMENT_UPLOAD;

    /** Flows that run Link for an Item this service already linked (the access token is needed). */
    public boolean needsExistingItem() {
        return this == UPDATE || this == IDENTITY_DOCUMENT_UPLOAD;
    }
}
