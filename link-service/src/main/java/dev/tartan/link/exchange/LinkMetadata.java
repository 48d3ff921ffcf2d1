package dev.tartan.link.exchange;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * Link's {@code onSuccess} metadata as the app forwards it (unknown fields ignored).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LinkMetadata(String linkSessionId, Institution institution, List<Account> accounts) {

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Institution(String institutionId, String name) {
    }

    /** Link calls the account id {@code id}; {@code account_id} is accepted too. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Account(@JsonAlias("account_id") String id, String name, String mask, String type, String subtype,
                          String verificationStatus) {
    }
}
