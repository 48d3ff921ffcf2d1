package dev.tartan.link.token;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/** One entry of Plaid's {@code account_filters}: the subtypes of one account type Link may show ({@code "all"} allowed). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AccountFilter(List<String> accountSubtypes) {
}
