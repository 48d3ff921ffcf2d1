package dev.tartan.emulator.user;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Owner data an institution holds for an account (Plaid's {@code Owner} object). */
public record Owner(List<String> names, List<Phone> phoneNumbers, List<Email> emails, List<Address> addresses) {

    public record Phone(String data, boolean primary, String type) {
    }

    public record Email(String data, boolean primary, String type) {
    }

    public record Address(String street, String city, String region, String postalCode, String country,
                          boolean primary) {
    }

    /** Plaid's JSON form of this owner, optionally tagged with the document it was parsed from. */
    public Map<String, Object> toJson(String documentId) {
        Map<String, Object> json = Json.obj(
                "names", names,
                "phone_numbers", phoneNumbers.stream().map(p -> Json.obj("data", p.data(), "primary", p.primary(),
                        "type", p.type())).toList(),
                "emails", emails.stream().map(e -> Json.obj("data", e.data(), "primary", e.primary(),
                        "type", e.type())).toList(),
                "addresses", addresses.stream().map(a -> Json.obj("data", Json.obj(
                        "city", a.city(), "country", a.country(), "postal_code", a.postalCode(),
                        "region", a.region(), "street", a.street()), "primary", a.primary())).toList());
        Json.putIfPresent(json, "document_id", documentId);
        return json;
    }

    /** Reads an owner in Plaid's JSON form (as seeded through the control API). */
    public static Owner fromJson(JsonNode node) {
        List<String> names = PlaidRequest.strings(node, "names");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("an owner needs at least one entry in names");
        }
        List<Phone> phones = new ArrayList<>();
        for (JsonNode p : iter(node, "phone_numbers")) {
            phones.add(new Phone(p.path("data").asText(), p.path("primary").asBoolean(false),
                    p.path("type").asText("home")));
        }
        List<Email> emails = new ArrayList<>();
        for (JsonNode e : iter(node, "emails")) {
            emails.add(new Email(e.path("data").asText(), e.path("primary").asBoolean(false),
                    e.path("type").asText("primary")));
        }
        List<Address> addresses = new ArrayList<>();
        for (JsonNode a : iter(node, "addresses")) {
            JsonNode d = a.has("data") ? a.get("data") : a;
            addresses.add(new Address(d.path("street").asText(), textOrNull(d, "city"), textOrNull(d, "region"),
                    textOrNull(d, "postal_code"), textOrNull(d, "country"), a.path("primary").asBoolean(false)));
        }
        return new Owner(List.copyOf(names), phones, emails, addresses);
    }

    private static Iterable<JsonNode> iter(JsonNode node, String field) {
        JsonNode arr = node.get(field);
        return arr == null || !arr.isArray() ? List.of() : arr;
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
