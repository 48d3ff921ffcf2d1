package dev.tartan.plaid.gateway;

import dev.tartan.contracts.SealedToken;

/**
 * The result of {@code /item/public_token/exchange}: the new Item and its access token, already sealed
 * (the clear token never leaves the gateway).
 */
public record ExchangedItem(String itemId, SealedToken accessToken, String requestId) {
}
