package dev.tartan.beacon;

/** Beacon work was asked of a service with no program id configured. */
public class BeaconDisabledException extends RuntimeException {
    public BeaconDisabledException() {
        super("Beacon is off: no Beacon program id is configured (tartan.beacon.program-id); Plaid opens Beacon to selected customers only");
    }
}
