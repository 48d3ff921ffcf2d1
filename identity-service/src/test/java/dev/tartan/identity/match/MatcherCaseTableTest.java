package dev.tartan.identity.match;

import dev.tartan.identity.profile.PostalAddress;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the checked-in case table {@code matcher-cases.psv}: every case must land in its expected band. */
class MatcherCaseTableTest {

    static final ProfileMatcher MATCHER = new ProfileMatcher(NicknameTable.load(), "US");

    record Case(int line, String field, String profile, String owner, int min, int max, String why) {
    }

    static List<Case> cases() throws IOException {
        List<Case> cases = new ArrayList<>();
        try (InputStream in = MatcherCaseTableTest.class.getClassLoader().getResourceAsStream("matcher-cases.psv")) {
            assertNotNull(in, "matcher-cases.psv");
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String line = lines[i].strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] p = line.split("\\|");
                assertEquals(5, p.length, "line " + (i + 1) + " needs 5 columns");
                String band = p[3].strip();
                int min;
                int max;
                if (band.contains("-")) {
                    min = Integer.parseInt(band.substring(0, band.indexOf('-')));
                    max = Integer.parseInt(band.substring(band.indexOf('-') + 1));
                } else {
                    min = max = Integer.parseInt(band);
                }
                cases.add(new Case(i + 1, p[0].strip(), p[1].strip(), p[2].strip(), min, max, p[4].strip()));
            }
        }
        return cases;
    }

    static int score(Case c) {
        return switch (c.field()) {
            case "name" -> MATCHER.names().score(c.profile(), c.owner()).score();
            case "phone" -> MATCHER.phones().score(c.profile(), c.owner()).score();
            case "email" -> MATCHER.emails().score(c.profile(), c.owner()).score();
            case "address" -> MATCHER.addresses().score(address(c.profile()), address(c.owner())).score();
            default -> throw new IllegalArgumentException("unknown field " + c.field());
        };
    }

    static PostalAddress address(String s) {
        String[] p = s.split(";", -1);
        return new PostalAddress(p[0], p[1], p[2], p[3], p[4]);
    }

    @TestFactory
    List<DynamicTest> everyCaseLandsInItsBand() throws IOException {
        return cases().stream().map(c -> DynamicTest.dynamicTest(
                "line " + c.line() + " " + c.field() + ": " + c.why(), () -> {
                    int score = score(c);
                    assertTrue(score >= c.min() && score <= c.max(),
                            c.field() + " '" + c.profile() + "' vs '" + c.owner() + "' scored " + score
                                    + ", expected " + c.min() + "-" + c.max() + " (" + c.why() + ")");
                })).toList();
    }

    @Test
    void theTableCoversEveryBandOfTheGuide() throws IOException {
        List<Case> all = cases();
        for (String band : List.of("100", "85-99", "70-84", "50-69", "0-49")) {
            assertTrue(all.stream().anyMatch(c -> c.field().equals("name") && (c.min() + (c.min() == c.max() ? "" : "-" + c.max())).equals(band)),
                    "no name case for band " + band);
        }
        for (String band : List.of("100", "90-99", "70-89", "0-69")) {
            assertTrue(all.stream().anyMatch(c -> c.field().equals("phone") && (c.min() + (c.min() == c.max() ? "" : "-" + c.max())).equals(band)),
                    "no phone case for band " + band);
        }
    }
}
