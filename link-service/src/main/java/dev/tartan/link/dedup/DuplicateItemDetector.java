package dev.tartan.link.dedup;

import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.LinkedAccount;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The handbook's deduplication: Plaid lets a user add the same Item twice, so before exchanging a public token
 * compare Link's {@code onSuccess} metadata (institution, and each account's mask, name and subtype) with the
 * user's existing Items.
 *
 * <p>Rule: a new Item duplicates an existing one when both are at the same institution and at least one account
 * of the new Item matches an account of the existing Item on mask, subtype and name (names compared without
 * case, accents or extra spaces). Matching on one account rather than all means re-linking the same login with
 * a narrower account selection is still caught; a second login at the same bank with other accounts is not.
 * When Link reports no institution (Database Insights, manual micro-deposit flows) only Items without an
 * institution are compared, by the same account rule. Accounts without a mask match on name and subtype only
 * when both names are present.
 */
public final class DuplicateItemDetector {

    /** The first existing Item the new one duplicates, with the account that matched. */
    public Optional<Duplicate> findDuplicate(InstitutionRef institution, List<LinkedAccount> accounts, List<ExistingItem> existing) {
        if (accounts == null || accounts.isEmpty() || existing == null) {
            return Optional.empty();
        }
        String inst = institutionKey(institution);
        for (ExistingItem item : existing) {
            if (!Objects.equals(inst, institutionKey(item.institution()))) {
                continue;
            }
            for (LinkedAccount candidate : accounts) {
                for (LinkedAccount known : item.accounts()) {
                    if (sameAccount(candidate, known)) {
                        return Optional.of(new Duplicate(item.itemId(), known));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The Item it duplicates and the account found in both. */
    public record Duplicate(String existingItemId, LinkedAccount matchedAccount) {
    }

    static String institutionKey(InstitutionRef institution) {
        if (institution == null || institution.institutionId() == null || institution.institutionId().isBlank()) {
            return null;
        }
        return institution.institutionId();
    }

    static boolean sameAccount(LinkedAccount a, LinkedAccount b) {
        if (!Objects.equals(norm(a.subtype()), norm(b.subtype()))) {
            return false;
        }
        String maskA = norm(a.mask());
        String maskB = norm(b.mask());
        String nameA = norm(a.name());
        String nameB = norm(b.name());
        if (maskA != null && maskB != null) {
            if (!maskA.equals(maskB)) {
                return false;
            }
            // Database Insights reports no name: equal masks and subtypes are all there is
            return nameA == null || nameB == null || nameA.equals(nameB);
        }
        return maskA == null && maskB == null && nameA != null && nameA.equals(nameB);
    }

    static String norm(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        String n = Normalizer.normalize(s.strip(), Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        return n.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
