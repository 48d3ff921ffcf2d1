package dev.tartan.link.analytics;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Builds a {@link ConversionReport} from session funnels. Pure. */
public final class ConversionCalculator {

    public ConversionReport report(Instant from, Instant to, List<SessionFunnel> sessions) {
        List<SessionFunnel> inRange = sessions.stream()
                .filter(s -> s.startedAt() != null && !s.startedAt().isBefore(from) && s.startedAt().isBefore(to))
                .toList();
        Map<String, List<SessionFunnel>> byInstitution = inRange.stream()
                .filter(s -> s.institutionId() != null)
                .collect(Collectors.groupingBy(SessionFunnel::institutionId, TreeMap::new, Collectors.toList()));
        List<ConversionReport.Funnel> perInstitution = new ArrayList<>();
        byInstitution.forEach((id, list) -> {
            String name = list.stream().map(SessionFunnel::institutionName).filter(n -> n != null).reduce((a, b) -> b).orElse(null);
            perInstitution.add(funnel(id, name, list));
        });
        perInstitution.sort(Comparator.comparingLong(ConversionReport.Funnel::sessionsOpened).reversed()
                .thenComparing(ConversionReport.Funnel::institutionId));
        return new ConversionReport(from, to, funnel(null, null, inRange), perInstitution);
    }

    public static List<SessionFunnel> funnels(List<LinkEventRecord> events) {
        Map<String, List<LinkEventRecord>> bySession = events.stream()
                .collect(Collectors.groupingBy(LinkEventRecord::linkSessionId, LinkedHashMap::new, Collectors.toList()));
        List<SessionFunnel> out = new ArrayList<>();
        bySession.forEach((id, list) -> out.add(SessionFunnel.of(id, list)));
        return out;
    }

    static ConversionReport.Funnel funnel(String institutionId, String institutionName, List<SessionFunnel> sessions) {
        long opened = sessions.size();
        long select = sessions.stream().filter(SessionFunnel::reachedInstitutionSelect).count();
        long credential = sessions.stream().filter(SessionFunnel::reachedCredentialPane).count();
        long selectThenCredential = sessions.stream().filter(s -> s.reachedInstitutionSelect() && s.reachedCredentialPane()).count();
        long succeeded = sessions.stream().filter(SessionFunnel::succeeded).count();
        long credentialThenSuccess = sessions.stream().filter(s -> s.reachedCredentialPane() && s.succeeded()).count();
        long exited = sessions.stream().filter(SessionFunnel::exited).count();
        Map<String, Long> byStatus = sessions.stream().filter(SessionFunnel::exited)
                .collect(Collectors.groupingBy(SessionFunnel::exitStatus, TreeMap::new, Collectors.counting()));
        Map<String, Long> byError = sessions.stream().filter(SessionFunnel::exited)
                .collect(Collectors.groupingBy(SessionFunnel::errorCode, TreeMap::new, Collectors.counting()));
        return new ConversionReport.Funnel(institutionId, institutionName, opened, select, credential, succeeded, exited,
                byStatus, byError, rate(selectThenCredential, select), rate(credentialThenSuccess, credential));
    }

    static Double rate(long numerator, long denominator) {
        if (denominator == 0) {
            return null;
        }
        return Math.round(numerator * 10000.0 / denominator) / 10000.0;
    }
}
