package dev.tartan.system.deploy;

import dev.tartan.contracts.Topics;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Renders every overlay with {@code kubectl kustomize} (no cluster needed), parses every object with
 * a typed model (fabric8 for core kinds, Strimzi's api for its kinds) and checks the operational
 * rules: probes, limits, non-root, a PDB per service, topics as catalogued, ACLs as each service
 * consumes and produces, KEDA never above the partitions it reads, only ingest reachable from outside.
 */
class DeploymentManifestsTest {

    /**
     * Topics a service keeps its own state in, not events for others (so not in the AsyncAPI catalogue): read and
     * written by their owner only. webhook-ingest's spool markers (tartan.ingest.publish.marker-topic).
     */
    static final Map<String, Set<String>> PRIVATE_TOPICS = Map.of("webhook-ingest", Set.of("webhook-ingest.spool-markers"));
    static final Set<String> HOT_TOPICS = Set.of(Topics.PLAID_WEBHOOKS_ITEM, Topics.PLAID_WEBHOOKS_TRANSACTIONS,
            Topics.ITEMS_EVENTS, Topics.COMMANDS_RELINK);
    static Map<String, List<Object>> rendered = new HashMap<>();
    static TopicCatalogue catalogue;

    @BeforeAll
    static void render() throws Exception {
        catalogue = TopicCatalogue.load();
        assumeTrue(kubectlAvailable(), "kubectl is not installed: manifests cannot be rendered on this machine");
        for (String env : List.of("dev", "prod")) {
            rendered.put(env, parse(kustomize(env)));
        }
    }

    static boolean kubectlAvailable() {
        try {
            Process p = new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static String kustomize(String env) throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", RepoFiles.root().resolve("deploy/overlays/" + env).toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize timed out");
        assertEquals(0, p.exitValue(), "overlay " + env + " does not render:\n" + out);
        return out;
    }

    /** Each document into its typed model; an unknown kind or a field the model rejects fails the test. */
    static List<Object> parse(String yaml) {
        List<Object> objects = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank()) {
                continue;
            }
            GenericKubernetesResource generic = Serialization.unmarshal(doc, GenericKubernetesResource.class);
            Class<?> type = switch (generic.getKind()) {
                case "Deployment" -> Deployment.class;
                case "StatefulSet" -> StatefulSet.class;
                case "Service" -> Service.class;
                case "ConfigMap" -> ConfigMap.class;
                case "PodDisruptionBudget" -> PodDisruptionBudget.class;
                case "NetworkPolicy" -> NetworkPolicy.class;
                case "HorizontalPodAutoscaler" -> HorizontalPodAutoscaler.class;
                case "Ingress" -> Ingress.class;
                case "KafkaTopic" -> KafkaTopic.class;
                case "KafkaUser" -> KafkaUser.class;
                case "ScaledObject" -> GenericKubernetesResource.class; // KEDA publishes no Java model
                default -> throw new AssertionError("unexpected kind " + generic.getKind() + " in the manifests");
            };
            objects.add(Serialization.unmarshal(doc, type));
        }
        return objects;
    }

    static <T> List<T> all(String env, Class<T> type) {
        return rendered.get(env).stream().filter(type::isInstance).map(type::cast).toList();
    }

    static GenericKubernetesResource scaledObject(String env, String name) {
        return all(env, GenericKubernetesResource.class).stream()
                .filter(r -> "ScaledObject".equals(r.getKind()) && name.equals(r.getMetadata().getName()))
                .findFirst().orElse(null);
    }

    /** A workload: its name, pod template and selector, whether Deployment or StatefulSet. */
    record Workload(String name, String kind, PodTemplateSpec template, LabelSelector selector) {
    }

    static List<Workload> workloads(String env) {
        List<Workload> out = new ArrayList<>();
        all(env, Deployment.class).forEach(d -> out.add(new Workload(d.getMetadata().getName(), "Deployment", d.getSpec().getTemplate(), d.getSpec().getSelector())));
        all(env, StatefulSet.class).forEach(d -> out.add(new Workload(d.getMetadata().getName(), "StatefulSet", d.getSpec().getTemplate(), d.getSpec().getSelector())));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void everyServiceIsDeployedSafely(String env) {
        List<Workload> workloads = workloads(env);
        assertEquals(Set.of(RepoFiles.SERVICES), workloads.stream().map(Workload::name).collect(Collectors.toSet()));
        for (Workload d : workloads) {
            String name = d.name();
            var pod = d.template().getSpec();
            assertTrue(Boolean.TRUE.equals(pod.getSecurityContext().getRunAsNonRoot()), name + " must run as non-root");
            long grace = pod.getTerminationGracePeriodSeconds();
            assertTrue(grace >= 30, name + ": grace period " + grace + "s is shorter than the drain time");
            for (Container c : pod.getContainers()) {
                assertNotNull(c.getStartupProbe(), name + " startup probe");
                assertNotNull(c.getLivenessProbe(), name + " liveness probe");
                assertNotNull(c.getReadinessProbe(), name + " readiness probe");
                assertEquals("/q/health/ready", c.getReadinessProbe().getHttpGet().getPath());
                assertEquals("/q/health/live", c.getLivenessProbe().getHttpGet().getPath());
                assertNotNull(c.getResources().getLimits().get("memory"), name + " memory limit");
                assertNotNull(c.getResources().getLimits().get("cpu"), name + " cpu limit");
                assertNotNull(c.getResources().getRequests().get("memory"), name + " memory request");
                assertTrue(Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem()), name + " read-only root fs");
                assertFalse(Boolean.TRUE.equals(c.getSecurityContext().getAllowPrivilegeEscalation()), name + " no privilege escalation");
                c.getEnv().forEach(e -> assertTrue(e.getValue() == null || !e.getName().matches(".*(SECRET|PASSWORD|KEY)$"),
                        name + " puts a secret value inline: " + e.getName()));
            }
            assertTrue(all(env, PodDisruptionBudget.class).stream().anyMatch(p -> p.getSpec().getSelector().getMatchLabels()
                    .equals(d.selector().getMatchLabels())), name + " has no PodDisruptionBudget");
        }
        // each ingest replica owns its spool rows and transactional.id: the id must be the pod's stable name
        Workload ingest = workloads.stream().filter(w -> w.name().equals("webhook-ingest")).findFirst().orElseThrow();
        assertEquals("StatefulSet", ingest.kind(), "webhook-ingest needs stable per-replica identities");
        assertTrue(ingest.template().getSpec().getContainers().get(0).getEnv().stream().anyMatch(e -> e.getName().equals("TARTAN_INGEST_INSTANCE_ID")
                && e.getValueFrom() != null && "metadata.name".equals(e.getValueFrom().getFieldRef().getFieldPath())),
                "webhook-ingest's instance id must come from the pod name");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void topicsMatchTheCatalogue(String env) {
        Map<String, KafkaTopic> topics = all(env, KafkaTopic.class).stream()
                .collect(Collectors.toMap(t -> t.getSpec().getTopicName(), t -> t));
        Set<String> expected = new TreeSet<>();
        for (Topics.TopicSpec spec : Topics.all()) {
            expected.add(spec.name());
        }
        catalogue.consumers().forEach((topic, services) -> {
            if (!services.isEmpty()) {
                expected.add(topic + Topics.DEAD_LETTER_SUFFIX);
            }
        });
        PRIVATE_TOPICS.values().forEach(expected::addAll);
        assertEquals(expected, new TreeSet<>(topics.keySet()),
                "KafkaTopics differ from the catalogue (+ a DLQ per consumed topic, + services' private topics)");
        for (Set<String> own : PRIVATE_TOPICS.values()) {
            for (String name : own) {
                KafkaTopic t = topics.get(name);
                assertEquals(3, t.getSpec().getReplicas(), name + " replication");
                assertEquals("2", String.valueOf(t.getSpec().getConfig().get("min.insync.replicas")), name + " min.insync.replicas");
                assertEquals("compact", String.valueOf(t.getSpec().getConfig().get("cleanup.policy")), name + " keeps state: compacted");
            }
        }
        for (Topics.TopicSpec spec : Topics.all()) {
            KafkaTopic t = topics.get(spec.name());
            assertEquals(3, t.getSpec().getReplicas(), spec.name() + " replication");
            assertEquals("2", String.valueOf(t.getSpec().getConfig().get("min.insync.replicas")), spec.name() + " min.insync.replicas");
            assertNotNull(t.getSpec().getConfig().get("retention.ms"), spec.name() + " retention stated");
            assertTrue(t.getSpec().getPartitions() >= spec.partitions(), spec.name() + " has fewer partitions than in dev");
            if (HOT_TOPICS.contains(spec.name())) {
                assertTrue(t.getSpec().getPartitions() >= 12, spec.name() + " is hot: at least 12 partitions");
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void aclsGrantEachServiceExactlyItsOwnTopics(String env) {
        Map<String, KafkaUser> users = all(env, KafkaUser.class).stream().collect(Collectors.toMap(u -> u.getMetadata().getName(), u -> u));
        for (String service : RepoFiles.SERVICES) {
            KafkaUser user = users.get(service);
            assertNotNull(user, "no KafkaUser for " + service);
            List<AclRule> acls = ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls();
            Set<String> reads = topicsWith(acls, AclOperation.READ);
            Set<String> writes = topicsWith(acls, AclOperation.WRITE);
            Set<String> consumed = catalogue.consumedBy(service);
            Set<String> expectedWrites = new TreeSet<>(catalogue.producedBy(service));
            consumed.forEach(t -> expectedWrites.add(t + Topics.DEAD_LETTER_SUFFIX));
            Set<String> own = PRIVATE_TOPICS.getOrDefault(service, Set.of());
            expectedWrites.addAll(own);
            Set<String> expectedReads = new TreeSet<>(consumed);
            expectedReads.addAll(own);
            assertEquals(expectedReads, reads, service + " may read exactly the topics it consumes and its own");
            assertEquals(expectedWrites, writes, service + " may write exactly what it produces and its DLQs");
        }
    }

    private static Set<String> topicsWith(List<AclRule> acls, AclOperation op) {
        Set<String> out = new TreeSet<>();
        for (AclRule rule : acls) {
            if (rule.getResource() instanceof AclRuleTopicResource topic && rule.getOperations().contains(op)) {
                out.add(topic.getName());
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    @SuppressWarnings("unchecked")
    void scalingNeverExceedsPartitionsAndOnlyIngestIsExposed(String env) {
        Map<String, Integer> partitions = Topics.all().stream().collect(Collectors.toMap(Topics.TopicSpec::name, Topics.TopicSpec::partitions));
        for (String service : RepoFiles.SERVICES) {
            Set<String> consumed = catalogue.consumedBy(service);
            if (consumed.isEmpty()) {
                continue;
            }
            GenericKubernetesResource so = scaledObject(env, service);
            assertNotNull(so, service + " consumes topics and needs a KEDA ScaledObject");
            Map<String, Object> spec = (Map<String, Object>) so.getAdditionalProperties().get("spec");
            int max = ((Number) spec.get("maxReplicaCount")).intValue();
            int fewest = consumed.stream().mapToInt(partitions::get).min().orElseThrow();
            assertTrue(max <= fewest, service + ": maxReplicaCount " + max + " > partitions " + fewest);
            List<Map<String, Object>> triggers = (List<Map<String, Object>>) spec.get("triggers");
            Set<String> lagTopics = triggers.stream().map(t -> (String) ((Map<String, Object>) t.get("metadata")).get("topic")).collect(Collectors.toSet());
            assertEquals(consumed, lagTopics, service + " scales on the lag of every topic it consumes");
        }
        assertEquals(List.of("webhook-ingest"), all(env, Ingress.class).stream()
                .flatMap(i -> i.getSpec().getRules().stream()).flatMap(r -> r.getHttp().getPaths().stream())
                .map(p -> p.getBackend().getService().getName()).distinct().toList(), "only webhook-ingest is reachable from outside");
        assertTrue(all(env, HorizontalPodAutoscaler.class).stream().anyMatch(h -> "webhook-ingest".equals(h.getSpec().getScaleTargetRef().getName())));
        assertTrue(all(env, NetworkPolicy.class).stream().anyMatch(n -> n.getSpec().getPodSelector().getMatchLabels() == null
                || n.getSpec().getPodSelector().getMatchLabels().isEmpty()), "a default-deny NetworkPolicy");
        for (String service : RepoFiles.SERVICES) {
            assertTrue(all(env, NetworkPolicy.class).stream().anyMatch(n -> service.equals(n.getMetadata().getName())), service + " NetworkPolicy");
        }
    }

    @Test
    void noSecretValuesAreCommitted() throws IOException {
        try (var files = java.nio.file.Files.walk(RepoFiles.root().resolve("deploy"))) {
            for (var f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                String text = java.nio.file.Files.readString(f);
                assertFalse(text.contains("kind: Secret"), f + " commits a Secret: reference Secrets by name only");
            }
        }
        for (HasMetadata o : all("prod", HasMetadata.class)) {
            assertFalse(o.getKind().equals("Secret"), "rendered manifests contain a Secret");
        }
    }
}
