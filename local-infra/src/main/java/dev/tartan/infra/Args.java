package dev.tartan.infra;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Minimal {@code --name value} / {@code --flag} parser for the child mains and the stack. JDK only. */
public final class Args {

    private final Map<String, List<String>> values = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();

    private Args() {
    }

    /** Parses {@code args}; options named in {@code flags} take no value. */
    public static Args parse(String[] args, String... flags) {
        Args parsed = new Args();
        List<String> flagList = List.of(flags);
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                String value;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                } else if (flagList.contains(name)) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new IllegalArgumentException("option --" + name + " needs a value");
                }
                parsed.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                parsed.positional.add(a);
            }
        }
        return parsed;
    }

    public String required(String name) {
        String v = get(name, null);
        if (v == null) {
            throw new IllegalArgumentException("missing required option --" + name);
        }
        return v;
    }

    public String get(String name, String defaultValue) {
        List<String> v = values.get(name);
        return v == null || v.isEmpty() ? defaultValue : v.get(v.size() - 1);
    }

    public int getInt(String name, int defaultValue) {
        String v = get(name, null);
        return v == null ? defaultValue : Integer.parseInt(v);
    }

    public boolean flag(String name) {
        return Boolean.parseBoolean(get(name, "false"));
    }

    /** Every value of a repeatable option; comma-separated values are split. */
    public List<String> all(String name) {
        List<String> out = new ArrayList<>();
        for (String v : values.getOrDefault(name, List.of())) {
            for (String part : v.split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    public List<String> positional() {
        return positional;
    }
}
