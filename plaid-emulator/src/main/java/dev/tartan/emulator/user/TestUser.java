package dev.tartan.emulator.user;

import dev.tartan.emulator.item.Account;

import java.util.List;

/**
 * A sandbox login. {@code password} null means any non-empty password works (Plaid's {@code custom_} users);
 * {@code accounts} null means the default sandbox accounts.
 */
public record TestUser(String username, String password, List<Owner> owners, DocumentProfile documentProfile,
                       List<Account> accounts) {
}
