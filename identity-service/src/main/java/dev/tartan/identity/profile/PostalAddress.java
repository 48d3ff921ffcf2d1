package dev.tartan.identity.profile;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** A postal address as Plaid's {@code AddressData} and the app's KYC profile carry it. Every part may be null. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PostalAddress(String street, String city, String region, String postalCode, String country) {

    public boolean isEmpty() {
        return blank(street) && blank(city) && blank(region) && blank(postalCode) && blank(country);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Never print address parts: they are PII. */
    @Override
    public String toString() {
        return "PostalAddress[redacted]";
    }
}
