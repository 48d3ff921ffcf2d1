package dev.tartan.link.exchange;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * {@code POST /link/exchanges}: what Link's {@code onSuccess(public_token, metadata)} gave the app.
 *
 * @param linkToken the token Link was opened with (optional; links the Item to the products it was created for)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExchangeRequest(String clientUserId, String publicToken, String linkToken, LinkMetadata metadata) {
}
