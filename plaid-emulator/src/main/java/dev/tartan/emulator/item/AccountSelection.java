package dev.tartan.emulator.item;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.emulator.institution.SandboxAccounts;

import java.util.ArrayList;
import java.util.List;

/** Account selection and definition as the control API takes them (Link sessions, seeded users). */
public final class AccountSelection {
    private AccountSelection() {
    }

    /**
     * Accounts the user selects: absent means all; otherwise each entry is a mask or name of an existing account
     * (string), or an object defining an account ({@code name}, {@code mask}, {@code type}, {@code subtype},
     * optional {@code official_name}, {@code account_number}, {@code routing_number}, {@code balances}).
     */
    public static List<Account> select(List<Account> available, JsonNode selection) {
        if (selection == null || selection.isNull()) {
            return available;
        }
        if (!selection.isArray() || selection.isEmpty()) {
            throw new IllegalArgumentException("accounts must be a non-empty array");
        }
        List<Account> out = new ArrayList<>();
        for (JsonNode entry : selection) {
            if (entry.isTextual()) {
                String key = entry.asText();
                out.add(available.stream().filter(a -> key.equals(a.mask()) || key.equals(a.name())
                                || key.equals(a.accountId())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no account with mask or name " + key)));
            } else if (entry.isObject()) {
                out.add(defineAccount(entry));
            } else {
                throw new IllegalArgumentException("accounts entries must be strings or objects");
            }
        }
        return out;
    }

    public static Account defineAccount(JsonNode a) {
        String name = a.path("name").asText("Plaid Checking");
        String mask = a.path("mask").asText("0000");
        String type = a.path("type").asText("depository");
        String subtype = a.path("subtype").asText("checking");
        JsonNode balances = a.path("balances");
        Double available = balances.hasNonNull("available") ? balances.get("available").asDouble() : 100.0;
        Double current = balances.hasNonNull("current") ? balances.get("current").asDouble() : 110.0;
        Double limit = balances.hasNonNull("limit") ? balances.get("limit").asDouble() : null;
        String number = a.hasNonNull("account_number") ? a.get("account_number").asText()
                : "depository".equals(type) ? "111122223333" + mask : null;
        String routing = a.hasNonNull("routing_number") ? a.get("routing_number").asText()
                : number == null ? null : SandboxAccounts.ROUTING;
        return new Account(a.path("id").asText(null), name, a.path("official_name").asText(null), mask, type,
                subtype, available, current, limit, number, routing,
                number == null ? null : SandboxAccounts.WIRE_ROUTING, null, null);
    }

}
