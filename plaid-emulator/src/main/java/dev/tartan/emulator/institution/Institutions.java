package dev.tartan.emulator.institution;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Plaid's Sandbox-only institutions (plaid.com/docs/sandbox/institutions). */
public final class Institutions {
    public static final String DEFAULT_ID = "ins_109508";

    private static final Map<String, Institution> ALL = new LinkedHashMap<>();

    static {
        add("ins_109508", "First Platypus Bank", false);
        add("ins_130016", "First Platypus Balance Bank", false);
        add("ins_109509", "First Gingham Credit Union", false);
        add("ins_109510", "Tattersall Federal Credit Union", false);
        add("ins_109511", "Tartan Bank", false);
        add("ins_109512", "Houndstooth Bank", false);
        add("ins_135858", "Windowpane Bank", false);
        add("ins_43", "Tartan-Dominion Bank of Canada", false);
        add("ins_127287", "Platypus OAuth Bank", true);
        add("ins_132241", "Platypus OAuth App2App Bank", true);
    }

    private Institutions() {
    }

    private static void add(String id, String name, boolean oauth) {
        ALL.put(id, new Institution(id, name, oauth));
    }

    public static Optional<Institution> find(String institutionId) {
        return Optional.ofNullable(ALL.get(institutionId));
    }

    public static Map<String, Institution> all() {
        return Map.copyOf(ALL);
    }
}
