package dev.tartan.system.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark's HTTP side: a Vert.x client with a bounded keep-alive pool on one event loop. The JDK
 * {@code HttpClient} opened a connection per request in flight and itself used most of a core at 1,000/s on this
 * machine (generator calibration p99 242 ms against a do-nothing server), which the system under test then lacked.
 * A request waiting for a pooled connection counts from its intended send time, like any other queueing.
 */
final class LoadClient implements AutoCloseable {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    private final HttpClient client;
    private final String host;
    private final int port;

    LoadClient(String host, int port, int connections) {
        this.host = host;
        this.port = port;
        this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true)
                        .setConnectTimeout(5_000).setIdleTimeout(30),
                new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1));
    }

    /** POSTs {@code body} to {@code path}; completes with the status code, or exceptionally after 10 s. */
    CompletableFuture<Integer> post(String path, byte[] body, String verification) {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(host).setPort(port).setURI(path)
                .putHeader("Content-Type", "application/json").putHeader("Plaid-Verification", verification)
                .setTimeout(10_000);
        client.request(options)
                .compose(req -> req.send(Buffer.buffer(body)))
                .compose(resp -> resp.body().map(b -> resp.statusCode()))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        done.complete(ar.result());
                    } else {
                        done.completeExceptionally(ar.cause());
                    }
                });
        return done;
    }

    @Override
    public void close() {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing after the run: nothing to keep
        }
    }
}
