package dev.tartan.emulator.item;

import dev.tartan.emulator.api.Ids;
import dev.tartan.emulator.config.EmulatorConfig;
import dev.tartan.emulator.institution.Institution;
import dev.tartan.emulator.user.TestUser;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

/** Creates Items (from a sandbox login or a Link session) and issues their public tokens. */
@ApplicationScoped
public class ItemFactory {
    private final ItemStore items;
    private final EmulatorConfig config;

    public ItemFactory(ItemStore items, EmulatorConfig config) {
        this.items = items;
        this.config = config;
    }

    /** A credential Item at {@code institution}: every account template gets fresh ids. */
    public Item create(Institution institution, TestUser user, List<Account> templates, List<String> products,
                       List<String> consented, String webhook, String authMethod, boolean manual,
                       boolean seenOnNetwork, String clientUserId) {
        List<Account> accounts = templates.stream().map(Account::withNewId).toList();
        Item item = new Item(Ids.plaidId(), Ids.accessToken(config.environment()), institution, user, accounts,
                products, consented, webhook, authMethod, manual, seenOnNetwork, clientUserId, Instant.now());
        items.add(item);
        return item;
    }

    /** A fresh single-use public token for {@code item}. */
    public String issuePublicToken(Item item) {
        String token = Ids.publicToken(config.environment());
        items.addPublicToken(new ItemStore.PublicToken(token, item.itemId(),
                Instant.now().plus(config.publicTokenTtl())));
        return token;
    }
}
