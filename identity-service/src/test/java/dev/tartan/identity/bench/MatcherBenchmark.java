package dev.tartan.identity.bench;

import dev.tartan.identity.match.MatchScores;
import dev.tartan.identity.match.NicknameTable;
import dev.tartan.identity.match.Owner;
import dev.tartan.identity.match.ProfileMatcher;
import dev.tartan.identity.profile.PostalAddress;
import dev.tartan.identity.profile.UserProfile;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Benchmark, not a timed test (its name keeps it out of the default Surefire run): profile-versus-owners
 * comparisons per second of the local matcher on one thread.
 * <pre>./mvnw -B -pl identity-service verify -Dtest=MatcherBenchmark -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
class MatcherBenchmark {

    static final String[] FIRST = {"Andrew", "Andy", "William", "Bill", "Elizabeth", "Liz", "Katherine", "Kathy", "Robert", "Bob",
            "Alberta", "Jonathan", "Jonathon", "Mary", "Christopher", "Chris"};
    static final String[] LAST = {"Smith", "Simth", "Johnson", "Jonhson", "Charleson", "Anderson", "Andersen", "Taylor", "Brown"};

    @Test
    void comparisonsPerSecond() {
        ProfileMatcher matcher = new ProfileMatcher(NicknameTable.load(), "US");
        Random random = new Random(42);
        List<UserProfile> profiles = new ArrayList<>();
        List<List<Owner>> owners = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            profiles.add(new UserProfile(FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)],
                    "+1 555-867-" + (5300 + random.nextInt(20)), "user" + random.nextInt(50) + "@example.com",
                    new PostalAddress((100 + random.nextInt(5)) + " Main Street", "Springfield", "IL", "62701", "US")));
            List<Owner> o = new ArrayList<>();
            for (int k = 0; k < 1 + random.nextInt(2); k++) { // one or two owners (joint accounts)
                o.add(new Owner(List.of(FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)]),
                        List.of("(555) 867-" + (5300 + random.nextInt(20))), List.of("user" + random.nextInt(50) + "@example.com"),
                        List.of(new PostalAddress((100 + random.nextInt(5)) + " Main St", "Springfield", "IL", "62701", "US"))));
            }
            owners.add(o);
        }
        long sink = 0;
        for (int i = 0; i < 50_000; i++) { // warm-up (JIT)
            sink += score(matcher.match(profiles.get(i % 1000), owners.get(i % 1000)));
        }
        int n = 200_000;
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink += score(matcher.match(profiles.get(i % 1000), owners.get(i % 1000)));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("MatcherBenchmark: %d profile-vs-owners comparisons (4 fields, 1-2 owners) in %.2f s = %.0f/s on one thread (sink %d)%n",
                n, seconds, n / seconds, sink);
    }

    private static int score(MatchScores s) {
        return s.legalName() == null ? 0 : s.legalName().score();
    }
}
