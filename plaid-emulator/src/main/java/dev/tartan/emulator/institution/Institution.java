package dev.tartan.emulator.institution;

/** A sandbox institution: id, name and whether it is an OAuth institution. */
public record Institution(String institutionId, String name, boolean oauth) {
}
