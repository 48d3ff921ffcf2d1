package dev.tartan.link.dedup;

import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.LinkedAccount;

import java.util.List;

/** An Item this user already linked, as the duplicate check sees it. */
public record ExistingItem(String itemId, InstitutionRef institution, List<LinkedAccount> accounts) {
}
