package dev.tartan.contracts.item;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.SealedToken;

import java.time.Instant;
import java.util.List;

/**
 * A new Item exists: link-service exchanged a public token. The access token travels only as
 * ciphertext that the receiving service's gateway can open (same key ring).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ItemLinked(
        String itemId,
        String clientUserId,
        InstitutionRef institution,
        List<LinkedAccount> accounts,
        List<String> products,
        List<String> requiredIfSupportedProducts,
        List<String> optionalProducts,
        List<String> additionalConsentedProducts,
        String linkSessionId,
        SealedToken accessToken,
        Instant linkedAt) {

    /** Every product the user consented to in this Link session, whatever array it came from. */
    public boolean consentedTo(String product) {
        return contains(products, product) || contains(requiredIfSupportedProducts, product)
                || contains(optionalProducts, product) || contains(additionalConsentedProducts, product);
    }

    private static boolean contains(List<String> list, String product) {
        return list != null && list.contains(product);
    }
}
