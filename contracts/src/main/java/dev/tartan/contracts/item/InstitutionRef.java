package dev.tartan.contracts.item;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** An institution as Link reports it. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record InstitutionRef(String institutionId, String name) {
}
