package dev.tartan.emulator.user;

import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sandbox logins: {@code user_good}/{@code pass_good} (Alberta Bobbeth Charleson, Plaid's default identity), two
 * built-in document-upload variants, and custom users seeded through {@code POST /emulator/users}.
 */
@ApplicationScoped
public class TestUsers {
    public static final String USER_GOOD = "user_good";
    public static final String PASS_GOOD = "pass_good";

    private final Map<String, TestUser> users = new ConcurrentHashMap<>();

    public TestUsers() {
        reset();
    }

    /** Plaid's documented identity for {@code user_good} (Identity guide, "Testing Identity"). */
    public static Owner alberta() {
        return new Owner(List.of("Alberta Bobbeth Charleson"),
                List.of(new Owner.Phone("+1 111-222-3333", true, "home"),
                        new Owner.Phone("+1 111-555-4444", false, "work")),
                List.of(new Owner.Email("accountholder0@example.com", true, "primary"),
                        new Owner.Email("accountholder1@example.com", false, "secondary")),
                List.of(new Owner.Address("2992 Cameron Road", "Malakoff", "NY", "14236", "US", true)));
    }

    public final void reset() {
        users.clear();
        users.put(USER_GOOD, new TestUser(USER_GOOD, PASS_GOOD, List.of(alberta()), DocumentProfile.clean(), null));
        // document-upload variants: same owner, other statement results
        users.put("user_doc_mismatch", new TestUser("user_doc_mismatch", PASS_GOOD, List.of(alberta()),
                DocumentProfile.accountNumberMismatch(), null));
        users.put("user_doc_high_risk", new TestUser("user_doc_high_risk", PASS_GOOD, List.of(alberta()),
                DocumentProfile.highRisk(), null));
    }

    public void put(TestUser user) {
        users.put(user.username(), user);
    }

    public Optional<TestUser> find(String username) {
        return Optional.ofNullable(users.get(username));
    }

    public List<TestUser> all() {
        return List.copyOf(users.values());
    }

    /**
     * The user a sandbox login resolves to. {@code error_<CODE>} passwords fail with that error (any user), an unknown
     * user or a wrong password fails with {@code INVALID_CREDENTIALS}.
     */
    public TestUser login(String username, String password) {
        String user = username == null ? USER_GOOD : username;
        String pass = password == null ? PASS_GOOD : password;
        if (pass.startsWith("error_")) {
            String code = pass.substring("error_".length());
            if (PlaidErrors.isErrorCodeLike(code)) {
                throw PlaidErrors.forSandboxCode(code);
            }
        }
        TestUser found = users.get(user);
        if (found == null || pass.isEmpty() || (found.password() != null && !found.password().equals(pass))) {
            throw new PlaidException(400, "ITEM_ERROR", "INVALID_CREDENTIALS",
                    "the provided credentials were not correct",
                    "The provided credentials were not correct. Please try again.");
        }
        return found;
    }
}
