package dev.tartan.identity.profile;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The user's identity as the app holds it from KYC. The same four fields Plaid's {@code /identity/match}
 * takes in {@code user}. PII: stored only sealed (see {@link ProfileSealer}), never logged, never in events.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UserProfile(String legalName, String phoneNumber, String emailAddress, PostalAddress address) {

    public boolean hasName() {
        return legalName != null && !legalName.isBlank();
    }

    public boolean hasPhone() {
        return phoneNumber != null && !phoneNumber.isBlank();
    }

    public boolean hasEmail() {
        return emailAddress != null && !emailAddress.isBlank();
    }

    public boolean hasAddress() {
        return address != null && !address.isEmpty();
    }

    /** Never print the profile: every field is PII. */
    @Override
    public String toString() {
        return "UserProfile[redacted]";
    }
}
