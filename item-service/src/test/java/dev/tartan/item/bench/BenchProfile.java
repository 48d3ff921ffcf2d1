package dev.tartan.item.bench;

import dev.tartan.item.it.OfflinePlaidProfile;

import java.util.HashMap;
import java.util.Map;

/** The offline profile with no contradiction window, so an ERROR after a repair is a plain transition (no /item/get). */
public class BenchProfile extends OfflinePlaidProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("tartan.item.webhooks.contradiction-window", "0s");
        config.put("tartan.item.relink.reminder-intervals", "P1D");
        return config;
    }
}
