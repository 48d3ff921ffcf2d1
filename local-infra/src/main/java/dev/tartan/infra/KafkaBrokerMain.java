package dev.tartan.infra;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Apache Kafka 4.x broker in KRaft mode (broker and controller in this JVM), run as a dedicated child
 * process by {@link InfraProcess#startKafka}.
 *
 * <pre>
 * java -cp &lt;infra classpath&gt; dev.tartan.infra.KafkaBrokerMain --dir D --port P --controller-port C [--no-parent-watch]
 *      [--override key=value ...]
 * </pre>
 *
 * The first start formats {@code D/data} with a fresh cluster id (kept in {@code D/cluster.id}); later starts reuse
 * the storage and so keep topics, records and committed offsets. Prints {@code READY kafka ...} and writes
 * {@code D/ready} once an admin client has seen the broker. SIGTERM shuts the broker down cleanly.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] argv) throws Exception {
        InfraLogging.configure();
        Args args = Args.parse(argv, "no-parent-watch");
        Path dir = Path.of(args.required("dir")).toAbsolutePath();
        int port = args.getInt("port", 9092);
        int controllerPort = args.getInt("controller-port", port + 1);
        ReadyFile.clear(dir);
        Files.createDirectories(dir);
        long t0 = System.nanoTime();

        Properties props = brokerProperties(dir, port, controllerPort);
        for (String override : args.all("override")) {
            int eq = override.indexOf('=');
            props.setProperty(override.substring(0, eq), override.substring(eq + 1));
        }
        Path serverProperties = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(serverProperties)) {
            props.store(w, "written by dev.tartan.infra.KafkaBrokerMain on every start");
        }

        formatIfNeeded(dir, serverProperties);

        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("kafka: shutting down");
            server.shutdown();
            server.awaitShutdown();
            ReadyFile.clear(dir);
            System.out.println("kafka: stopped");
        }, "kafka-shutdown"));
        server.startup();

        String bootstrap = "127.0.0.1:" + port;
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
        if (!args.flag("no-parent-watch")) {
            ParentWatch.exitWithParent("kafka");
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        ReadyFile.markReady(dir, "kafka bootstrap=" + bootstrap + " startup_ms=" + ms);
        server.awaitShutdown();
    }

    /** The broker's settings: one node, replication factor 1 everywhere, topics created explicitly. */
    static Properties brokerProperties(Path dir, int port, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
        p.setProperty("log.dirs", dir.resolve("data").toString());
        p.setProperty("metadata.log.dir", dir.resolve("data").toString());
        // Tartan creates every topic explicitly (contracts' Topics.all()); a typo must fail, not create a topic
        p.setProperty("auto.create.topics.enable", "false");
        p.setProperty("num.partitions", "3");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        // fewer offsets partitions: the first consumer group on a fresh broker is ready in well under a second
        p.setProperty("offsets.topic.num.partitions", "10");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("transaction.state.log.num.partitions", "10");
        // Back-to-back transactions of one producer (webhook-ingest's publisher, the outbox relays): with transaction
        // version 2 the next transaction's first produce adds its partitions on the broker, which meets
        // CONCURRENT_TRANSACTIONS until the previous commit's markers are written and retries after this back-off.
        // The default 20 ms stalled the slow transactions ~22 ms each (ingest's transaction p99 31 -> 22 ms at 1 ms:
        // docs/performance.md, "Where the tail came from"); markers take a millisecond or two here.
        p.setProperty("add.partitions.to.txn.retry.backoff.ms", "1");
        // The group coordinator holds writes up to 5 ms (Kafka 4 default) to batch them; ingest's marker is a
        // transactional offset commit in every transaction, and the relays commit offsets too. Measured with the
        // ingest benchmark: sustained 3,139 -> 4,138 webhooks/s, Kafka transaction p50 3.8 -> 3.1 ms.
        p.setProperty("group.coordinator.append.linger.ms", "0");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // consumers in tests join at once instead of waiting 3 s for more members
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        p.setProperty("num.recovery.threads.per.data.dir", "1");
        // a developer's disk: keep a week but never more than 1 GiB per partition
        p.setProperty("log.retention.hours", "168");
        p.setProperty("log.retention.bytes", String.valueOf(1L << 30));
        p.setProperty("log.segment.bytes", String.valueOf(64L << 20));
        return p;
    }

    private static void formatIfNeeded(Path dir, Path serverProperties) throws IOException {
        Path data = dir.resolve("data");
        if (Files.exists(data.resolve("meta.properties"))) {
            System.out.println("kafka: reusing storage in " + data);
            return;
        }
        Path clusterIdFile = dir.resolve("cluster.id");
        String clusterId;
        if (Files.exists(clusterIdFile)) {
            clusterId = Files.readString(clusterIdFile).trim();
        } else {
            clusterId = Uuid.randomUuid().toString();
            Files.writeString(clusterIdFile, clusterId + "\n");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {
                    "format", "--cluster-id", clusterId, "--config", serverProperties.toString(), "--ignore-formatted"},
                    ps);
        }
        String text = out.toString(StandardCharsets.UTF_8).trim();
        System.out.println("kafka: format: " + text);
        if (rc != 0) {
            throw new IllegalStateException("kafka storage format failed (exit " + rc + "): " + text);
        }
    }
}
