package dev.tartan.link.exchange;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.LinkedAccount;

import java.util.List;

/** The answer to an exchange: the Item and its accounts; never the access token. Identical when retried. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ExchangeResult(String itemId, String clientUserId, InstitutionRef institution, List<LinkedAccount> accounts,
                             List<String> products, String linkSessionId) {
}
