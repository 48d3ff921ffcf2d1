package dev.tartan.contracts;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The AsyncAPI catalogue in docs/ and the topics and event types in code must name the same things. */
class AsyncApiCatalogueTest {

    static Path catalogue() {
        Path root = Path.of(System.getProperty("tartan.repo.root", ".."));
        Path p = root.resolve("docs/asyncapi.yaml");
        return Files.exists(p) ? p : Path.of("../docs/asyncapi.yaml");
    }

    @Test
    void everyTopicIsAChannelAndNothingElseIs() throws IOException {
        String yaml = Files.readString(catalogue());
        Matcher m = Pattern.compile("(?m)^\\s+address:\\s*(\\S+)\\s*$").matcher(yaml);
        Set<String> addresses = new java.util.TreeSet<>();
        while (m.find()) {
            addresses.add(m.group(1));
        }
        Set<String> topics = Topics.all().stream().map(Topics.TopicSpec::name).collect(Collectors.toCollection(java.util.TreeSet::new));
        assertEquals(topics, addresses, "docs/asyncapi.yaml channels differ from Topics.all()");
    }

    @Test
    void everyEventTypeIsDocumented() throws IOException {
        String yaml = Files.readString(catalogue());
        for (EventType<?> type : EventTypes.all()) {
            assertTrue(yaml.contains(type.name()), type.name() + " is missing from docs/asyncapi.yaml");
        }
    }
}
