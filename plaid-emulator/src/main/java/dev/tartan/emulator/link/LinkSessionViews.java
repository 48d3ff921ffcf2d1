package dev.tartan.emulator.link;

import dev.tartan.emulator.api.Json;

import java.util.List;
import java.util.Map;

/** JSON forms of a Link session for {@code /link/token/get}. */
final class LinkSessionViews {
    private LinkSessionViews() {
    }

    static Map<String, Object> forTokenGet(LinkSession s) {
        Map<String, Object> json = Json.obj(
                "link_session_id", s.linkSessionId(),
                "started_at", Json.time(s.startedAt()),
                "finished_at", Json.time(s.finishedAt()),
                "events", s.events());
        if (s.success() && s.publicToken() != null) {
            json.put("on_success", Json.obj("public_token", s.publicToken(), "metadata", Json.obj(
                    "institution", s.institution(), "accounts", s.accounts(),
                    "link_session_id", s.linkSessionId())));
        }
        if (!s.success()) {
            json.put("exit", Json.obj("error", s.error(), "metadata", Json.obj(
                    "institution", s.institution(), "status", "requires_credentials",
                    "link_session_id", s.linkSessionId())));
        }
        List<Map<String, Object>> added = s.success() && s.publicToken() != null
                ? List.of(Json.obj("public_token", s.publicToken(), "accounts", s.accounts(),
                "institution", s.institution()))
                : List.of();
        json.put("results", Json.obj(
                "item_add_results", added,
                "cra_item_add_results", List.of(),
                "cra_update_results", List.of(),
                "bank_income_results", List.of(),
                "payroll_income_results", List.of(),
                "document_income_results", null));
        return json;
    }
}
