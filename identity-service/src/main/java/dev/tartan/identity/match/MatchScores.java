package dev.tartan.identity.match;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Scores of one account in the shape of Plaid's {@code AccountIdentityMatchScore} (each part null when the
 * field was missing on either side). Produced by Plaid's {@code /identity/match} or by the local matcher
 * for owners parsed from an uploaded statement. Contains no PII: only numbers and flags.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MatchScores(NameScore legalName, FieldScore phoneNumber, FieldScore emailAddress, AddressScore address) {

    public static final MatchScores NONE = new MatchScores(null, null, null, null);

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record NameScore(Integer score, Boolean isFirstNameOrLastNameMatch, Boolean isNicknameMatch,
                            Boolean isBusinessNameDetected) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FieldScore(Integer score) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AddressScore(Integer score, Boolean isPostalCodeMatch) {
    }

    /** The score of one field, or null when it could not be compared. */
    public Integer score(MatchField field) {
        return switch (field) {
            case LEGAL_NAME -> legalName == null ? null : legalName.score();
            case PHONE_NUMBER -> phoneNumber == null ? null : phoneNumber.score();
            case EMAIL_ADDRESS -> emailAddress == null ? null : emailAddress.score();
            case ADDRESS -> address == null ? null : address.score();
        };
    }
}
