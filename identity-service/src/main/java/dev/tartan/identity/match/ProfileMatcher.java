package dev.tartan.identity.match;

import dev.tartan.identity.profile.PostalAddress;
import dev.tartan.identity.profile.UserProfile;

import java.util.Collection;
import java.util.Comparator;
import java.util.function.Function;

/**
 * The local matcher: scores a KYC profile against owners (from an uploaded statement, or an
 * {@code /identity/get} snapshot) the way Plaid's {@code /identity/match} does, keeping, like Plaid,
 * the best score per field over every owner and every value an owner has.
 */
public final class ProfileMatcher {

    private final NameMatcher names;
    private final PhoneMatcher phones;
    private final EmailMatcher emails = new EmailMatcher();
    private final AddressMatcher addresses = new AddressMatcher();

    public ProfileMatcher(NicknameTable nicknames, String defaultPhoneRegion) {
        this.names = new NameMatcher(nicknames);
        this.phones = new PhoneMatcher(defaultPhoneRegion);
    }

    public NameMatcher names() {
        return names;
    }

    public PhoneMatcher phones() {
        return phones;
    }

    public EmailMatcher emails() {
        return emails;
    }

    public AddressMatcher addresses() {
        return addresses;
    }

    public MatchScores match(UserProfile profile, Collection<Owner> owners) {
        MatchScores.NameScore bestName = null;
        MatchScores.FieldScore bestPhone = null;
        MatchScores.FieldScore bestEmail = null;
        MatchScores.AddressScore bestAddress = null;
        PhoneMatcher.Prepared profilePhone = profile.hasPhone() ? phones.prepare(profile.phoneNumber()) : null;
        for (Owner owner : owners) {
            if (profile.hasName()) {
                for (String n : owner.names()) {
                    bestName = better(bestName, names.score(profile.legalName(), n), MatchScores.NameScore::score);
                }
            }
            if (profile.hasPhone()) {
                for (String p : owner.phoneNumbers()) {
                    bestPhone = better(bestPhone, phones.score(profilePhone, phones.prepare(p)), MatchScores.FieldScore::score);
                }
            }
            if (profile.hasEmail()) {
                for (String e : owner.emails()) {
                    bestEmail = better(bestEmail, emails.score(profile.emailAddress(), e), MatchScores.FieldScore::score);
                }
            }
            if (profile.hasAddress()) {
                for (PostalAddress a : owner.addresses()) {
                    bestAddress = better(bestAddress, addresses.score(profile.address(), a), MatchScores.AddressScore::score);
                }
            }
        }
        return new MatchScores(bestName, bestPhone, bestEmail, bestAddress);
    }

    private static <T> T better(T current, T candidate, Function<T, Integer> score) {
        if (candidate == null) {
            return current;
        }
        if (current == null) {
            return candidate;
        }
        return Comparator.comparing(score, Comparator.nullsFirst(Comparator.naturalOrder())).compare(candidate, current) > 0
                ? candidate : current;
    }
}
