package dev.tartan.link.analytics;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Link conversion for sessions that started in {@code [from, to)}: overall and per institution (sessions in
 * which the user chose an institution).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ConversionReport(Instant from, Instant to, Funnel overall, List<Funnel> institutions) {

    /**
     * @param institutionSelectToCredentialRate sessions that reached institution select and then the credential pane,
     *                                          over sessions that reached institution select ({@code null} when none did)
     * @param credentialToSuccessRate           sessions that reached the credential pane and succeeded, over sessions
     *                                          that reached the credential pane ({@code null} when none did)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Funnel(
            String institutionId,
            String institutionName,
            long sessionsOpened,
            long reachedInstitutionSelect,
            long reachedCredentialPane,
            long succeeded,
            long exited,
            Map<String, Long> exitsByStatus,
            Map<String, Long> exitsByErrorCode,
            Double institutionSelectToCredentialRate,
            Double credentialToSuccessRate) {
    }
}
