package dev.tartan.identity.match;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * English given names and their diminutives, read from {@code nicknames/given-name-diminutives.csv}: a small
 * table compiled for Tartan, not a published one (see {@code nicknames/SOURCE.md} for why, and how to replace it).
 *
 * <p>Two names are related when one is a nickname of the other or both are nicknames of the same name
 * ("bill" and "will" through "william").
 */
public final class NicknameTable {

    public static final String RESOURCE = "nicknames/given-name-diminutives.csv";

    /** name -> every name in a group with it (canonical names and their nicknames), excluding itself. */
    private final Map<String, Set<String>> related;

    private NicknameTable(Map<String, Set<String>> related) {
        this.related = related;
    }

    public static NicknameTable load() {
        try (InputStream in = NicknameTable.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static NicknameTable parse(InputStream in) throws IOException {
        Map<String, Set<String>> nicknamesOf = new HashMap<>();
        Map<String, Set<String>> canonicalsOf = new HashMap<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                String[] parts = line.split(",");
                if (parts.length != 3 || !"has_nickname".equals(parts[1].trim())) {
                    continue; // header or another relationship
                }
                String canonical = parts[0].trim().toLowerCase(Locale.ROOT);
                String nickname = parts[2].trim().toLowerCase(Locale.ROOT);
                nicknamesOf.computeIfAbsent(canonical, k -> new HashSet<>()).add(nickname);
                canonicalsOf.computeIfAbsent(nickname, k -> new HashSet<>()).add(canonical);
            }
        }
        Map<String, Set<String>> related = new HashMap<>();
        nicknamesOf.forEach((canonical, nicks) -> {
            Set<String> group = new HashSet<>(nicks);
            group.add(canonical);
            for (String member : group) {
                Set<String> others = related.computeIfAbsent(member, k -> new HashSet<>());
                others.addAll(group);
                others.remove(member);
            }
        });
        return new NicknameTable(related);
    }

    /** Whether two (lower-case) given names are the same name or diminutives of one. */
    public boolean related(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        Set<String> others = related.get(a);
        return others != null && others.contains(b);
    }

    /** Every name related to {@code name} (not including it). */
    public Set<String> relatedTo(String name) {
        return related.getOrDefault(name, Set.of());
    }

    public int size() {
        return related.size();
    }
}
