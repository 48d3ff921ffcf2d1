package dev.tartan.beacon.user;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The end user's data Beacon screens (Plaid's {@code BeaconUserRequestData}). This is PII: it is stored only
 * encrypted ({@link PiiCipher}), never logged ({@link #toString()} is redacted) and never put in events.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UserData(@JsonProperty("name") Name name,
                       @JsonProperty("date_of_birth") LocalDate dateOfBirth,
                       @JsonProperty("address") Address address,
                       @JsonProperty("email_address") String emailAddress,
                       @JsonProperty("phone_number") String phoneNumber,
                       @JsonProperty("id_number") IdNumber idNumber,
                       @JsonProperty("ip_address") String ipAddress,
                       @JsonProperty("depository_accounts") List<DepositoryAccount> depositoryAccounts) {

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    public record Name(@JsonProperty("given_name") String givenName, @JsonProperty("family_name") String familyName) {
        @Override
        public String toString() {
            return "Name[redacted]";
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Address(@JsonProperty("street") String street, @JsonProperty("street2") String street2,
                          @JsonProperty("city") String city, @JsonProperty("region") String region,
                          @JsonProperty("postal_code") String postalCode, @JsonProperty("country") String country) {
        @Override
        public String toString() {
            return "Address[redacted]";
        }
    }

    public record IdNumber(@JsonProperty("value") String value, @JsonProperty("type") String type) {
        @Override
        public String toString() {
            return "IdNumber[redacted]";
        }
    }

    public record DepositoryAccount(@JsonProperty("account_number") String accountNumber,
                                    @JsonProperty("routing_number") String routingNumber) {
        @Override
        public String toString() {
            return "DepositoryAccount[redacted]";
        }
    }

    /** Problems with data for {@code /beacon/user/create}; each names the field, never echoes its value. */
    public List<String> validateForCreate() {
        List<String> problems = new ArrayList<>();
        if (name == null || blank(name.givenName()) || blank(name.familyName())) {
            problems.add("user.name.given_name and user.name.family_name are required");
        }
        if (dateOfBirth == null && (depositoryAccounts == null || depositoryAccounts.isEmpty())) {
            problems.add("user.date_of_birth or user.depository_accounts is required");
        }
        validateFields(problems);
        return problems;
    }

    /** Problems with a partial update for {@code /beacon/user/update}: at least one field, each well formed. */
    public List<String> validateForUpdate() {
        List<String> problems = new ArrayList<>();
        if (name == null && dateOfBirth == null && address == null && emailAddress == null && phoneNumber == null
                && idNumber == null && ipAddress == null && (depositoryAccounts == null || depositoryAccounts.isEmpty())) {
            problems.add("an update needs at least one field of user");
        }
        if (name != null && (blank(name.givenName()) || blank(name.familyName()))) {
            problems.add("user.name needs given_name and family_name");
        }
        validateFields(problems);
        return problems;
    }

    private void validateFields(List<String> problems) {
        if (dateOfBirth != null && (dateOfBirth.isAfter(LocalDate.now()) || dateOfBirth.isBefore(LocalDate.of(1900, 1, 1)))) {
            problems.add("user.date_of_birth is not a plausible date of birth");
        }
        if (address != null && (blank(address.street()) || blank(address.city()) || blank(address.country()))) {
            problems.add("user.address needs street, city and country");
        }
        if (address != null && !blank(address.country()) && address.country().length() != 2) {
            problems.add("user.address.country must be an ISO 3166-1 alpha-2 code");
        }
        if (emailAddress != null && !EMAIL.matcher(emailAddress).matches()) {
            problems.add("user.email_address is not an email address");
        }
        if (phoneNumber != null && !E164.matcher(phoneNumber).matches()) {
            problems.add("user.phone_number must be in E.164 format (+15555550123)");
        }
        if (idNumber != null && (blank(idNumber.value()) || blank(idNumber.type()))) {
            problems.add("user.id_number needs value and type (e.g. us_ssn)");
        }
        if (depositoryAccounts != null) {
            if (depositoryAccounts.size() > 50) {
                problems.add("user.depository_accounts has more than 50 accounts");
            }
            for (DepositoryAccount a : depositoryAccounts) {
                if (a == null || blank(a.accountNumber()) || blank(a.routingNumber())
                        || !DIGITS.matcher(a.accountNumber()).matches() || !DIGITS.matcher(a.routingNumber()).matches()
                        || a.routingNumber().length() != 9) {
                    problems.add("each of user.depository_accounts needs a numeric account_number and a 9-digit routing_number");
                    break;
                }
            }
        }
    }

    /** Field-wise merge for updates: what {@code patch} sets wins. */
    public UserData mergedWith(UserData patch) {
        if (patch == null) {
            return this;
        }
        return new UserData(
                patch.name != null ? patch.name : name,
                patch.dateOfBirth != null ? patch.dateOfBirth : dateOfBirth,
                patch.address != null ? patch.address : address,
                patch.emailAddress != null ? patch.emailAddress : emailAddress,
                patch.phoneNumber != null ? patch.phoneNumber : phoneNumber,
                patch.idNumber != null ? patch.idNumber : idNumber,
                patch.ipAddress != null ? patch.ipAddress : ipAddress,
                patch.depositoryAccounts != null && !patch.depositoryAccounts.isEmpty() ? patch.depositoryAccounts : depositoryAccounts);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** PII never reaches a log line through string concatenation. */
    @Override
    public String toString() {
        return "UserData[redacted]";
    }
}
