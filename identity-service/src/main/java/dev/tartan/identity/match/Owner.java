package dev.tartan.identity.match;

import dev.tartan.identity.profile.PostalAddress;

import java.util.List;

/**
 * One owner object as Plaid returns it from {@code /identity/get} or parsed from an uploaded statement
 * ({@code /identity/documents/uploads/get}). Joint holders share one owner with several names.
 */
public record Owner(List<String> names, List<String> phoneNumbers, List<String> emails, List<PostalAddress> addresses) {

    public Owner {
        names = names == null ? List.of() : List.copyOf(names);
        phoneNumbers = phoneNumbers == null ? List.of() : List.copyOf(phoneNumbers);
        emails = emails == null ? List.of() : List.copyOf(emails);
        addresses = addresses == null ? List.of() : List.copyOf(addresses);
    }

    @Override
    public String toString() {
        return "Owner[redacted]";
    }
}
