package dev.tartan.system.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Who produces and who consumes each topic, read from docs/asyncapi.yaml (the one catalogue), so
 * the Kafka ACLs and scaling rules are checked against the same source the developers document.
 */
public record TopicCatalogue(Map<String, Set<String>> producers, Map<String, Set<String>> consumers) {

    public static TopicCatalogue load() throws IOException {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(RepoFiles.root().resolve("docs/asyncapi.yaml").toFile());
        Map<String, Set<String>> producers = new TreeMap<>();
        Map<String, Set<String>> consumers = new TreeMap<>();
        Pattern p = Pattern.compile("Producers:\\s*(.*?)\\.\\s*Consumers:\\s*(.*?)\\.\\s", Pattern.DOTALL);
        doc.get("channels").forEach(channel -> {
            String topic = channel.get("address").asText();
            Matcher m = p.matcher(channel.get("description").asText());
            if (!m.find()) {
                throw new IllegalStateException("channel " + topic + " description lacks 'Producers: ... Consumers: ...'");
            }
            producers.put(topic, services(m.group(1)));
            consumers.put(topic, services(m.group(2)));
        });
        return new TopicCatalogue(producers, consumers);
    }

    private static Set<String> services(String text) {
        Set<String> out = new TreeSet<>();
        Arrays.stream(RepoFiles.SERVICES).filter(text::contains).forEach(out::add);
        return out;
    }

    public Set<String> consumedBy(String service) {
        Set<String> out = new TreeSet<>();
        consumers.forEach((t, s) -> {
            if (s.contains(service)) {
                out.add(t);
            }
        });
        return out;
    }

    public Set<String> producedBy(String service) {
        Set<String> out = new TreeSet<>();
        producers.forEach((t, s) -> {
            if (s.contains(service)) {
                out.add(t);
            }
        });
        return out;
    }
}
