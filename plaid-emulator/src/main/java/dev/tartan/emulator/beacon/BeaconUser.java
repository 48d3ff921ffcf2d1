package dev.tartan.emulator.beacon;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A Beacon user; mutated only under its own monitor. */
final class BeaconUser {
    /** Identity data as screened (Plaid's BeaconUserData). */
    record Data(String givenName, String familyName, LocalDate dateOfBirth, Address address, String email,
                String phone, IdNumber idNumber, String ipAddress, List<DepositoryAccount> accounts) {
    }

    record Address(String street, String street2, String city, String region, String postalCode, String country) {
    }

    record IdNumber(String value, String type) {
    }

    record DepositoryAccount(String accountNumber, String routingNumber, Instant addedAt) {
        String mask() {
            return accountNumber.length() >= 4 ? accountNumber.substring(accountNumber.length() - 4) : accountNumber;
        }
    }

    final String id;
    final String programId;
    final String clientUserId;
    final Instant createdAt;
    Instant updatedAt;
    int version = 1;
    String status;
    Data data;
    final Set<String> itemIds = new LinkedHashSet<>();
    String auditSource = "api";
    Instant auditTimestamp;
    /** Versions seen by duplicates, so {@code /beacon/duplicate/get} reports the revision that was compared. */
    final List<Integer> versions = new ArrayList<>();

    BeaconUser(String id, String programId, String clientUserId, Instant createdAt, Data data) {
        this.id = id;
        this.programId = programId;
        this.clientUserId = clientUserId;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
        this.auditTimestamp = createdAt;
        this.data = data;
    }
}
