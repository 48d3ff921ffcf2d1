package dev.tartan.contracts.item;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** The part of a Plaid error an Item keeps as its current error. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ItemError(String errorType, String errorCode, String errorCodeReason) {
}
