package dev.tartan.contracts.item;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** An account of an Item: what duplicate checks, the app and the registry need. No balances, no numbers. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LinkedAccount(String accountId, String name, String mask, String type, String subtype) {
}
